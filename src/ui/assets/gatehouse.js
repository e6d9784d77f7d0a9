// Gatehouse pages work without this script; it only adds what a browser must do itself.
// Copy buttons: <button data-copy="ID" hidden> copies the text of element ID.
"use strict";
document.querySelectorAll("button[data-copy]").forEach(function (button) {
  if (!navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    var source = document.getElementById(button.dataset.copy);
    var text = Array.from(source.querySelectorAll("code"), function (c) { return c.textContent; }).join("\n");
    navigator.clipboard.writeText(text + "\n").then(function () {
      var status = document.getElementById("copy-status");
      if (status) status.hidden = false;
    });
  });
});
