"""What the API sends and accepts. Output serializers shape what the selectors return; request serializers
document bodies whose rules the pages' own forms and services check (the same messages)."""
