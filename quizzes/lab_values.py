"""Normal laboratory reference ranges for adults, as a USMLE-style sheet.

Written for this project from standard reference ranges (conventional US units
with their SI equivalents). Ranges differ a little between laboratories; these
are the usual teaching values. Pure data: no Django imports.

Non-ASCII characters (en dashes, the micro sign, sub- and superscripts) are
written as escapes so that ruff's ambiguous-character rules stay quiet.
"""

import dataclasses
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class LabValue:
    name: str  # e.g. "Sodium (Na+)" in Unicode super/subscripts; plain text, no HTML
    conventional: str  # US conventional units, e.g. "136-146 mEq/L" (en dash)
    si: str  # SI units; the same string again where the unit is already SI
    note: str = ""  # sex, phase, timing or sample: "male", "fasting", "8 AM"...


@dataclass(frozen=True)
class LabSection:
    slug: str  # "serum", "hematology"...: used in ids and data attributes
    title: str
    values: tuple[LabValue, ...]


V = LabValue

SERUM = LabSection(
    "serum",
    "Serum chemistry",
    (
        # Electrolytes and renal function
        V("Sodium (Na\u207a)", "136\u2013146 mEq/L", "136\u2013146 mmol/L"),
        V("Potassium (K\u207a)", "3.5\u20135.0 mEq/L", "3.5\u20135.0 mmol/L"),
        V("Chloride (Cl\u207b)", "95\u2013105 mEq/L", "95\u2013105 mmol/L"),
        V("Bicarbonate (HCO\u2083\u207b)", "22\u201328 mEq/L", "22\u201328 mmol/L"),
        V("Anion gap", "7\u201316 mEq/L", "7\u201316 mmol/L", "Na\u207a \u2212 (Cl\u207b + HCO\u2083\u207b)"),
        V("Urea nitrogen (BUN)", "7\u201318 mg/dL", "2.5\u20136.4 mmol/L", "SI as urea"),
        V("Creatinine", "0.6\u20131.2 mg/dL", "53\u2013106 \u00b5mol/L"),
        V("Uric acid", "3.0\u20138.2 mg/dL", "0.18\u20130.49 mmol/L"),
        V("Osmolality", "275\u2013295 mOsm/kg H\u2082O", "275\u2013295 mmol/kg H\u2082O"),
        # Glucose
        V("Glucose", "70\u201399 mg/dL", "3.9\u20135.5 mmol/L", "fasting"),
        V("Glucose", "< 140 mg/dL", "< 7.8 mmol/L", "random, nonfasting"),
        V("Hemoglobin A1c (HbA1c)", "< 5.7%", "< 39 mmol/mol", "whole blood"),
        # Calcium, phosphate, magnesium
        V("Calcium, total (Ca\u00b2\u207a)", "8.4\u201310.2 mg/dL", "2.1\u20132.6 mmol/L"),
        V("Calcium, ionized", "4.5\u20135.3 mg/dL", "1.12\u20131.32 mmol/L"),
        V("Phosphorus, inorganic", "3.0\u20134.5 mg/dL", "1.0\u20131.5 mmol/L"),
        V("Magnesium (Mg\u00b2\u207a)", "1.7\u20132.2 mg/dL", "0.70\u20130.91 mmol/L"),
        # Proteins
        V("Protein, total", "6.0\u20137.8 g/dL", "60\u201378 g/L"),
        V("Albumin", "3.5\u20135.5 g/dL", "35\u201355 g/L"),
        V("Globulin", "2.3\u20133.5 g/dL", "23\u201335 g/L"),
        V("Immunoglobulin A (IgA)", "76\u2013390 mg/dL", "0.76\u20133.90 g/L"),
        V("Immunoglobulin E (IgE)", "0\u2013380 IU/mL", "0\u2013380 kIU/L"),
        V("Immunoglobulin G (IgG)", "650\u20131500 mg/dL", "6.5\u201315.0 g/L"),
        V("Immunoglobulin M (IgM)", "50\u2013300 mg/dL", "0.5\u20133.0 g/L"),
        V("Complement C3", "90\u2013180 mg/dL", "0.9\u20131.8 g/L"),
        V("Complement C4", "10\u201340 mg/dL", "0.1\u20130.4 g/L"),
        V("C-reactive protein (CRP)", "< 1.0 mg/dL", "< 10 mg/L"),
        V("Haptoglobin", "30\u2013200 mg/dL", "0.3\u20132.0 g/L"),
        V("Ceruloplasmin", "20\u201340 mg/dL", "200\u2013400 mg/L"),
        # Liver
        V("Bilirubin, total", "0.1\u20131.0 mg/dL", "2\u201317 \u00b5mol/L"),
        V("Bilirubin, direct (conjugated)", "0.0\u20130.3 mg/dL", "0\u20135 \u00b5mol/L"),
        V("Bilirubin, indirect (unconjugated)", "0.1\u20130.7 mg/dL", "2\u201312 \u00b5mol/L"),
        V("Aspartate aminotransferase (AST)", "12\u201338 U/L", "12\u201338 U/L"),
        V("Alanine aminotransferase (ALT)", "10\u201340 U/L", "10\u201340 U/L"),
        V("Alkaline phosphatase (ALP)", "25\u2013100 U/L", "25\u2013100 U/L"),
        V("\u03b3-Glutamyl transferase (GGT)", "8\u201361 U/L", "8\u201361 U/L", "male"),
        V("\u03b3-Glutamyl transferase (GGT)", "5\u201336 U/L", "5\u201336 U/L", "female"),
        # Enzymes and cardiac markers
        V("Amylase", "25\u2013125 U/L", "25\u2013125 U/L"),
        V("Lipase", "13\u201360 U/L", "13\u201360 U/L"),
        V("Creatine kinase (CK)", "25\u201390 U/L", "25\u201390 U/L", "male"),
        V("Creatine kinase (CK)", "10\u201370 U/L", "10\u201370 U/L", "female"),
        V("Lactate dehydrogenase (LDH)", "45\u2013200 U/L", "45\u2013200 U/L"),
        V("Troponin I, cardiac", "\u2264 0.04 ng/mL", "\u2264 0.04 \u00b5g/L", "conventional assay"),
        V("B-type natriuretic peptide (BNP)", "< 100 pg/mL", "< 100 ng/L"),
        # Iron studies and vitamins
        V("Iron", "65\u2013175 \u00b5g/dL", "11.6\u201331.3 \u00b5mol/L", "male"),
        V("Iron", "50\u2013170 \u00b5g/dL", "9.0\u201330.4 \u00b5mol/L", "female"),
        V("Total iron-binding capacity (TIBC)", "250\u2013400 \u00b5g/dL", "44.8\u201371.6 \u00b5mol/L"),
        V("Transferrin", "200\u2013360 mg/dL", "2.0\u20133.6 g/L"),
        V("Transferrin saturation", "20\u201350%", "0.20\u20130.50"),
        V("Ferritin", "20\u2013250 ng/mL", "20\u2013250 \u00b5g/L", "male"),
        V("Ferritin", "10\u2013120 ng/mL", "10\u2013120 \u00b5g/L", "female"),
        V("Vitamin B\u2081\u2082 (cobalamin)", "200\u2013800 pg/mL", "148\u2013590 pmol/L"),
        V("Folate", "3\u201317 ng/mL", "7\u201339 nmol/L", "serum"),
        V("25-Hydroxyvitamin D", "20\u201350 ng/mL", "50\u2013125 nmol/L"),
        V("Copper", "70\u2013140 \u00b5g/dL", "11\u201322 \u00b5mol/L"),
        # Metabolites and tumour markers
        V("Lactate", "4.5\u201319.8 mg/dL", "0.5\u20132.2 mmol/L", "venous"),
        V("Ammonia", "19\u201360 \u00b5g/dL", "11\u201335 \u00b5mol/L", "plasma"),
        V("\u03b1-Fetoprotein (AFP)", "< 10 ng/mL", "< 10 \u00b5g/L", "not pregnant"),
        V("Prostate-specific antigen (PSA)", "< 4.0 ng/mL", "< 4.0 \u00b5g/L", "male"),
    ),
)

HEMATOLOGY = LabSection(
    "hematology",
    "Hematology",
    (
        V("Hemoglobin (Hb)", "13.5\u201317.5 g/dL", "135\u2013175 g/L", "male"),
        V("Hemoglobin (Hb)", "12.0\u201316.0 g/dL", "120\u2013160 g/L", "female"),
        V("Hematocrit (Hct)", "41\u201353%", "0.41\u20130.53", "male"),
        V("Hematocrit (Hct)", "36\u201346%", "0.36\u20130.46", "female"),
        V(
            "Erythrocyte count (RBC)",
            "4.3\u20135.9 million/mm\u00b3",
            "4.3\u20135.9 \u00d710\u00b9\u00b2/L",
            "male",
        ),
        V(
            "Erythrocyte count (RBC)",
            "3.5\u20135.5 million/mm\u00b3",
            "3.5\u20135.5 \u00d710\u00b9\u00b2/L",
            "female",
        ),
        V("Mean corpuscular volume (MCV)", "80\u2013100 \u00b5m\u00b3", "80\u2013100 fL"),
        V("Mean corpuscular hemoglobin (MCH)", "25\u201335 pg/cell", "0.39\u20130.54 fmol/cell"),
        V("Mean corpuscular hemoglobin concentration (MCHC)", "31\u201336 g/dL", "310\u2013360 g/L"),
        V("Red cell distribution width (RDW)", "11.5\u201314.5%", "0.115\u20130.145"),
        V("Reticulocytes", "0.5\u20131.5% of red cells", "0.005\u20130.015"),
        V("Leukocyte count (WBC)", "4,500\u201311,000/mm\u00b3", "4.5\u201311.0 \u00d710\u2079/L"),
        V("Neutrophils, segmented", "54\u201362%", "0.54\u20130.62", "differential"),
        V("Neutrophils, bands", "3\u20135%", "0.03\u20130.05", "differential"),
        V("Eosinophils", "1\u20133%", "0.01\u20130.03", "differential"),
        V("Basophils", "0\u20130.75%", "0\u20130.0075", "differential"),
        V("Lymphocytes", "25\u201333%", "0.25\u20130.33", "differential"),
        V("Monocytes", "3\u20137%", "0.03\u20130.07", "differential"),
        V("Absolute neutrophil count (ANC)", "1,500\u20138,000/mm\u00b3", "1.5\u20138.0 \u00d710\u2079/L"),
        V("CD4\u207a T-lymphocyte count", "\u2265 500/mm\u00b3", "\u2265 0.5 \u00d710\u2079/L"),
        V("Platelet count", "150,000\u2013400,000/mm\u00b3", "150\u2013400 \u00d710\u2079/L"),
        V("Erythrocyte sedimentation rate (ESR)", "0\u201315 mm/h", "0\u201315 mm/h", "male, Westergren"),
        V("Erythrocyte sedimentation rate (ESR)", "0\u201320 mm/h", "0\u201320 mm/h", "female, Westergren"),
        V("Plasma volume", "25\u201343 mL/kg", "0.025\u20130.043 L/kg", "male"),
        V("Plasma volume", "28\u201345 mL/kg", "0.028\u20130.045 L/kg", "female"),
        V("Red cell volume", "20\u201336 mL/kg", "0.020\u20130.036 L/kg", "male"),
        V("Red cell volume", "19\u201331 mL/kg", "0.019\u20130.031 L/kg", "female"),
    ),
)

COAGULATION = LabSection(
    "coagulation",
    "Coagulation",
    (
        V("Prothrombin time (PT)", "11\u201315 s", "11\u201315 s"),
        V("International normalized ratio (INR)", "0.8\u20131.2", "0.8\u20131.2", "no anticoagulant"),
        V("International normalized ratio (INR)", "2.0\u20133.0", "2.0\u20133.0", "usual warfarin target"),
        V("Activated partial thromboplastin time (aPTT)", "25\u201340 s", "25\u201340 s"),
        V(
            "Activated partial thromboplastin time (aPTT)",
            "1.5\u20132.5 \u00d7 control",
            "1.5\u20132.5 \u00d7 control",
            "heparin target",
        ),
        V("Anti-factor Xa activity", "0.3\u20130.7 IU/mL", "0.3\u20130.7 kIU/L", "heparin target"),
        V("Thrombin time", "within 2 s of control", "within 2 s of control"),
        V("Bleeding time", "2\u20137 min", "2\u20137 min"),
        V("Fibrinogen", "200\u2013400 mg/dL", "2.0\u20134.0 g/L"),
        V("D-dimer", "< 0.5 \u00b5g/mL FEU", "< 0.5 mg/L FEU", "fibrinogen-equivalent units"),
        V("Fibrin degradation products", "< 10 \u00b5g/mL", "< 10 mg/L"),
        V(
            "Coagulation factor activity",
            "50\u2013150% of normal",
            "0.50\u20131.50",
            "each of II, V, VII\u2013XII",
        ),
        V("von Willebrand factor antigen", "50\u2013150% of normal", "0.50\u20131.50"),
        V("Antithrombin activity", "80\u2013120% of normal", "0.80\u20131.20"),
        V("Protein C activity", "70\u2013140% of normal", "0.70\u20131.40"),
        V("Protein S, free", "60\u2013140% of normal", "0.60\u20131.40"),
    ),
)

CSF = LabSection(
    "csf",
    "Cerebrospinal fluid (CSF)",
    (
        V(
            "Opening pressure",
            "70\u2013180 mm H\u2082O",
            "0.7\u20131.8 kPa",
            "lumbar puncture, lying on the side",
        ),
        V("Leukocytes", "0\u20135/mm\u00b3", "0\u20135 \u00d710\u2076/L", "all mononuclear"),
        V("Erythrocytes", "0/mm\u00b3", "0 \u00d710\u2076/L", "atraumatic tap"),
        V("Glucose", "40\u201370 mg/dL", "2.2\u20133.9 mmol/L"),
        V("Glucose, CSF-to-serum ratio", "\u2265 0.6", "\u2265 0.6", "serum drawn at the same time"),
        V("Protein, total", "< 40 mg/dL", "< 0.40 g/L"),
        V("Chloride (Cl\u207b)", "118\u2013132 mEq/L", "118\u2013132 mmol/L"),
        V("\u03b3-Globulin", "3\u201312% of total protein", "0.03\u20130.12"),
        V("Lactate", "10\u201322 mg/dL", "1.1\u20132.4 mmol/L"),
        V("Oligoclonal bands", "none unique to CSF", "none unique to CSF"),
        V("Volume", "about 150 mL", "about 0.15 L", "whole neuraxis"),
    ),
)

URINE = LabSection(
    "urine",
    "Urine",
    (
        V(
            "Osmolality",
            "50\u20131200 mOsm/kg H\u2082O",
            "50\u20131200 mmol/kg H\u2082O",
            "varies with fluid intake",
        ),
        V("Specific gravity", "1.002\u20131.030", "1.002\u20131.030"),
        V("pH", "4.5\u20138.0", "4.5\u20138.0"),
        V("Sodium (Na\u207a)", "40\u2013220 mEq/24 h", "40\u2013220 mmol/24 h", "varies with diet"),
        V("Potassium (K\u207a)", "25\u2013125 mEq/24 h", "25\u2013125 mmol/24 h", "varies with diet"),
        V("Chloride (Cl\u207b)", "110\u2013250 mEq/24 h", "110\u2013250 mmol/24 h", "varies with diet"),
        V("Calcium", "100\u2013300 mg/24 h", "2.5\u20137.5 mmol/24 h", "usual diet"),
        V("Phosphate", "0.4\u20131.3 g/24 h", "13\u201342 mmol/24 h", "usual diet"),
        V("Urea nitrogen", "12\u201320 g/24 h", "428\u2013714 mmol/24 h", "SI as urea"),
        V("Uric acid", "250\u2013750 mg/24 h", "1.5\u20134.5 mmol/24 h", "usual diet"),
        V("Creatinine", "15\u201325 mg/kg/24 h", "133\u2013221 \u00b5mol/kg/24 h"),
        V("Creatinine clearance", "97\u2013137 mL/min", "1.62\u20132.28 mL/s", "male"),
        V("Creatinine clearance", "88\u2013128 mL/min", "1.47\u20132.13 mL/s", "female"),
        V("Protein, total", "< 150 mg/24 h", "< 0.15 g/24 h"),
        V("Albumin-to-creatinine ratio", "< 30 mg/g", "< 3 mg/mmol", "spot sample"),
        V("Oxalate", "8\u201340 mg/24 h", "90\u2013445 \u00b5mol/24 h"),
        V("Citrate", "320\u20131240 mg/24 h", "1.7\u20136.5 mmol/24 h"),
        V("Cortisol, free", "10\u201350 \u00b5g/24 h", "28\u2013138 nmol/24 h", "depends on the assay"),
        V("Aldosterone", "2\u201320 \u00b5g/24 h", "6\u201355 nmol/24 h", "normal sodium intake"),
        V("17-Hydroxycorticosteroids", "3.0\u201310.0 mg/24 h", "8.2\u201327.6 \u00b5mol/24 h", "male"),
        V("17-Hydroxycorticosteroids", "2.0\u20138.0 mg/24 h", "5.5\u201322.0 \u00b5mol/24 h", "female"),
        V("17-Ketosteroids, total", "8\u201320 mg/24 h", "28\u201370 \u00b5mol/24 h", "male"),
        V("17-Ketosteroids, total", "6\u201315 mg/24 h", "21\u201352 \u00b5mol/24 h", "female"),
        V("Vanillylmandelic acid (VMA)", "2\u20137 mg/24 h", "10\u201335 \u00b5mol/24 h"),
        V("5-Hydroxyindoleacetic acid (5-HIAA)", "2\u20139 mg/24 h", "10\u201347 \u00b5mol/24 h"),
        V("Erythrocytes", "0\u20132/hpf", "0\u20132/hpf", "sediment microscopy"),
        V("Leukocytes", "0\u20135/hpf", "0\u20135/hpf", "sediment microscopy"),
    ),
)

BLOOD_GASES = LabSection(
    "blood-gases",
    "Blood gases",
    (
        V("pH", "7.35\u20137.45", "[H\u207a] 35\u201345 nmol/L", "arterial"),
        V("Carbon dioxide tension (PaCO\u2082)", "35\u201345 mm Hg", "4.7\u20136.0 kPa", "arterial"),
        V("Oxygen tension (PaO\u2082)", "75\u2013105 mm Hg", "10.0\u201314.0 kPa", "arterial, room air"),
        V("Bicarbonate (HCO\u2083\u207b)", "22\u201328 mEq/L", "22\u201328 mmol/L", "arterial"),
        V("Oxygen saturation (SaO\u2082)", "95\u2013100%", "0.95\u20131.00", "arterial, room air"),
        V("Base excess", "\u22122 to +2 mEq/L", "\u22122 to +2 mmol/L", "arterial"),
        V(
            "Alveolar-arterial O\u2082 gradient (A-a)",
            "5\u201315 mm Hg",
            "0.7\u20132.0 kPa",
            "young adult, room air; widens with age",
        ),
        V("pH", "7.31\u20137.41", "[H\u207a] 39\u201349 nmol/L", "venous"),
        V("Carbon dioxide tension (PvCO\u2082)", "41\u201351 mm Hg", "5.5\u20136.8 kPa", "venous"),
        V("Oxygen saturation (SvO\u2082)", "65\u201375%", "0.65\u20130.75", "mixed venous"),
        V("Carboxyhemoglobin", "< 3%", "< 0.03", "nonsmoker"),
        V("Methemoglobin", "< 2%", "< 0.02"),
    ),
)

HORMONES = LabSection(
    "hormones",
    "Hormones",
    (
        # Thyroid
        V("Thyroid-stimulating hormone (TSH)", "0.4\u20134.0 \u00b5U/mL", "0.4\u20134.0 mU/L"),
        V("Thyroxine, free (free T\u2084)", "0.9\u20131.7 ng/dL", "12\u201322 pmol/L"),
        V("Thyroxine, total (T\u2084)", "5\u201312 \u00b5g/dL", "64\u2013155 nmol/L"),
        V("Triiodothyronine, total (T\u2083)", "100\u2013200 ng/dL", "1.5\u20133.1 nmol/L"),
        V("Triiodothyronine, free (free T\u2083)", "2.3\u20134.2 pg/mL", "3.5\u20136.5 pmol/L"),
        V("T\u2083 resin uptake", "25\u201335%", "0.25\u20130.35"),
        # Adrenal and pituitary
        V("Cortisol", "5\u201323 \u00b5g/dL", "138\u2013635 nmol/L", "8 AM"),
        V("Cortisol", "3\u201315 \u00b5g/dL", "82\u2013413 nmol/L", "4 PM"),
        V("Cortisol", "\u2264 50% of the 8 AM value", "\u2264 50% of the 8 AM value", "8 PM"),
        V("Adrenocorticotropic hormone (ACTH)", "10\u201360 pg/mL", "2.2\u201313.2 pmol/L", "8 AM"),
        V("Aldosterone", "3\u201316 ng/dL", "83\u2013444 pmol/L", "supine, normal sodium intake"),
        V("Aldosterone", "4\u201331 ng/dL", "111\u2013860 pmol/L", "upright, normal sodium intake"),
        V(
            "Plasma renin activity",
            "0.6\u20134.3 ng/mL/h",
            "0.17\u20131.19 ng/(L\u00b7s)",
            "upright, normal sodium intake",
        ),
        V("Prolactin", "< 17 ng/mL", "< 17 \u00b5g/L", "male"),
        V("Prolactin", "< 25 ng/mL", "< 25 \u00b5g/L", "female, not pregnant"),
        V("Growth hormone (GH)", "< 5 ng/mL", "< 5 \u00b5g/L", "fasting"),
        V("Growth hormone (GH)", "< 1 ng/mL", "< 1 \u00b5g/L", "after 75 g oral glucose"),
        V("Parathyroid hormone (PTH), intact", "10\u201365 pg/mL", "1.1\u20136.9 pmol/L"),
        # Gonadal axis
        V("Follicle-stimulating hormone (FSH)", "4\u201325 mIU/mL", "4\u201325 U/L", "male"),
        V(
            "Follicle-stimulating hormone (FSH)",
            "4\u201330 mIU/mL",
            "4\u201330 U/L",
            "female, before menopause",
        ),
        V(
            "Follicle-stimulating hormone (FSH)",
            "10\u201390 mIU/mL",
            "10\u201390 U/L",
            "female, midcycle peak",
        ),
        V(
            "Follicle-stimulating hormone (FSH)",
            "40\u2013250 mIU/mL",
            "40\u2013250 U/L",
            "female, after menopause",
        ),
        V("Luteinizing hormone (LH)", "6\u201323 mIU/mL", "6\u201323 U/L", "male"),
        V("Luteinizing hormone (LH)", "5\u201330 mIU/mL", "5\u201330 U/L", "female, follicular phase"),
        V("Luteinizing hormone (LH)", "75\u2013150 mIU/mL", "75\u2013150 U/L", "female, midcycle peak"),
        V("Luteinizing hormone (LH)", "30\u2013200 mIU/mL", "30\u2013200 U/L", "female, after menopause"),
        V("Testosterone, total", "300\u20131000 ng/dL", "10.4\u201334.7 nmol/L", "male"),
        V("Testosterone, total", "15\u201370 ng/dL", "0.5\u20132.4 nmol/L", "female"),
        V("Estradiol", "10\u201350 pg/mL", "37\u2013184 pmol/L", "male"),
        V("Estradiol", "30\u2013100 pg/mL", "110\u2013367 pmol/L", "female, follicular phase"),
        V("Estradiol", "200\u2013400 pg/mL", "734\u20131468 pmol/L", "female, midcycle peak"),
        V("Estradiol", "50\u2013150 pg/mL", "184\u2013551 pmol/L", "female, luteal phase"),
        V("Estradiol", "< 20 pg/mL", "< 73 pmol/L", "female, after menopause"),
        V("Progesterone", "< 1 ng/mL", "< 3.2 nmol/L", "female, follicular phase"),
        V("Progesterone", "5\u201320 ng/mL", "16\u201364 nmol/L", "female, luteal phase"),
        V("Human chorionic gonadotropin (hCG)", "< 5 mIU/mL", "< 5 IU/L", "male or not pregnant"),
        # Pancreas and gut
        V("Insulin", "2\u201320 \u00b5U/mL", "12\u2013120 pmol/L", "fasting"),
        V("C-peptide", "0.8\u20133.1 ng/mL", "0.27\u20131.03 nmol/L", "fasting"),
        V("Gastrin", "< 100 pg/mL", "< 100 ng/L", "fasting"),
    ),
)

LIPIDS = LabSection(
    "lipids",
    "Lipids (fasting)",
    (
        V("Cholesterol, total", "< 200 mg/dL", "< 5.2 mmol/L", "desirable"),
        V("Cholesterol, total", "200\u2013239 mg/dL", "5.2\u20136.2 mmol/L", "borderline high"),
        V("Cholesterol, total", "\u2265 240 mg/dL", "\u2265 6.2 mmol/L", "high"),
        V("LDL cholesterol", "< 100 mg/dL", "< 2.6 mmol/L", "optimal"),
        V("LDL cholesterol", "100\u2013129 mg/dL", "2.6\u20133.3 mmol/L", "near optimal"),
        V("LDL cholesterol", "130\u2013159 mg/dL", "3.4\u20134.1 mmol/L", "borderline high"),
        V("LDL cholesterol", "160\u2013189 mg/dL", "4.1\u20134.9 mmol/L", "high"),
        V("LDL cholesterol", "\u2265 190 mg/dL", "\u2265 4.9 mmol/L", "very high"),
        V("HDL cholesterol", "< 40 mg/dL", "< 1.0 mmol/L", "low (a risk factor)"),
        V("HDL cholesterol", "\u2265 60 mg/dL", "\u2265 1.6 mmol/L", "high (protective)"),
        V("Non-HDL cholesterol", "< 130 mg/dL", "< 3.4 mmol/L", "desirable"),
        V("Triglycerides", "< 150 mg/dL", "< 1.7 mmol/L", "normal"),
        V("Triglycerides", "150\u2013199 mg/dL", "1.7\u20132.2 mmol/L", "borderline high"),
        V("Triglycerides", "200\u2013499 mg/dL", "2.3\u20135.6 mmol/L", "high"),
        V("Triglycerides", "\u2265 500 mg/dL", "\u2265 5.6 mmol/L", "very high"),
    ),
)

SWEAT_AND_STOOL = LabSection(
    "sweat-stool",
    "Sweat and stool",
    (
        V("Sweat chloride", "\u2264 29 mEq/L", "\u2264 29 mmol/L", "cystic fibrosis unlikely"),
        V("Sweat chloride", "30\u201359 mEq/L", "30\u201359 mmol/L", "intermediate"),
        V("Sweat chloride", "\u2265 60 mEq/L", "\u2265 60 mmol/L", "consistent with cystic fibrosis"),
        V("Fecal fat", "< 7 g/24 h", "< 7 g/24 h", "72-hour collection, 100 g/day fat diet"),
        V("Fecal calprotectin", "< 50 \u00b5g/g", "< 50 mg/kg"),
    ),
)

del V

SECTIONS: tuple[LabSection, ...] = (
    SERUM,
    HEMATOLOGY,
    COAGULATION,
    CSF,
    URINE,
    BLOOD_GASES,
    HORMONES,
    LIPIDS,
    SWEAT_AND_STOOL,
)

# Dashes and minus signs that a student would type as a plain hyphen.
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"))


def _fold(text: str) -> str:
    """Text as search compares it: NFKC (subscripts become digits), case-folded, dashes as hyphens."""
    return unicodedata.normalize("NFKC", text).casefold().translate(_DASHES)


def search(query: str) -> tuple[LabSection, ...]:
    """The sections, each cut down to the values that match the query; sections left empty are dropped.

    A value matches when every word of the query occurs in its name, its note or its
    section's title (so "csf" keeps the whole CSF section and "urine sodium" the urine
    sodium row). Case and Unicode forms are ignored. An empty query keeps everything.
    """
    terms = _fold(query).split()
    if not terms:
        return SECTIONS
    found = []
    for section in SECTIONS:
        title = _fold(section.title)
        values = tuple(
            value
            for value in section.values
            if all(term in f"{title} {_fold(value.name)} {_fold(value.note)}" for term in terms)
        )
        if values:
            found.append(dataclasses.replace(section, values=values))
    return tuple(found)
