// Buttons that only the browser can carry out, switched on by data-action, so that no template needs
// an inline event handler or a javascript: address.
(function () {
  "use strict";
  var actions = {
    print: function () { window.print(); },
    back: function () { window.history.back(); },
  };
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-action]");
    var action = button && actions[button.dataset.action];
    if (action) {
      event.preventDefault();
      action();
    }
  });
})();
