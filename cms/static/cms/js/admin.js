// Small behaviours of our own Wagtail admin screens (loaded on every admin page by cms/wagtail_hooks.py),
// switched on by data- attributes, so that no template needs an inline script or event handler.
(function () {
  "use strict";

  // <select data-fill-target="id">: copies the chosen option into the field with that id (a stock
  // reason into the reason box), then returns to its prompt so the same one can be chosen again.
  document.querySelectorAll("select[data-fill-target]").forEach(function (select) {
    select.addEventListener("change", function () {
      var target = document.getElementById(select.dataset.fillTarget);
      if (target && select.value) { target.value = select.value; }
      select.value = "";
    });
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    // <form data-go-to="name">: opens the address chosen in its field of that name instead of submitting.
    if (form.dataset.goTo) {
      event.preventDefault();
      window.location.href = form.elements[form.dataset.goTo].value;
    }
  });
})();
