// Coordinator workspace: "select all" for the review list, a confirmation before destructive or
// final actions, and one press only for the submit button. Without JavaScript every form still works.
(function () {
  "use strict";
  document.querySelectorAll("[data-select-all]").forEach(function (box) {
    box.addEventListener("change", function () {
      box.form.querySelectorAll('input[name="ids"]').forEach(function (item) { item.checked = box.checked; });
    });
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var question = (button && button.dataset.confirm) || form.dataset.confirm;
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    form.querySelectorAll("[data-once]").forEach(function (once) {
      setTimeout(function () { once.disabled = true; }, 0);
    });
  });
})();
