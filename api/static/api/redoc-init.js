// Redoc from the schema URL the page names; the page's CSP nonce goes on the <style>s Redoc inserts.
"use strict";
(function () {
  const container = document.getElementById("redoc-container");
  const nonce = document.currentScript.nonce;
  window.Redoc.init(container.dataset.schemaUrl, { nonce: nonce }, container);
})();
