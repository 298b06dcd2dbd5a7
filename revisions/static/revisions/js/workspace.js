// The revision workspace: an article's form saves itself as staff type (1.5 s after the last key, and when
// the page is hidden or closed), and buttons that need a confirmation ask for it. Without this script the
// 保存 button does the same work.
(function () {
  "use strict";

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });

  var form = document.querySelector("form[data-autosave]");
  if (!form) return;
  var url = form.getAttribute("data-autosave");
  var status = form.querySelector("[data-role=autosave-status]");
  var version = form.querySelector("input[name=row_version]");
  var timer = null;
  var dirty = false;
  var stopped = false;
  var saving = false;

  function say(text, problem) {
    status.textContent = text;
    status.classList.toggle("revision-status--problem", !!problem);
  }

  function payload() {
    var data = new FormData(form);
    data.set("autosave", "1");
    return data;
  }

  function save(keepalive) {
    if (!dirty || stopped || saving) return;
    dirty = false;
    saving = true;
    say(form.getAttribute("data-saving"));
    fetch(url, { method: "POST", body: payload(), credentials: "same-origin", keepalive: !!keepalive,
                 headers: { "X-Requested-With": "XMLHttpRequest" } })
      .then(function (response) { return response.json().then(function (body) { return body; }); })
      .then(function (body) {
        saving = false;
        if (body.ok) {
          version.value = body.row_version;
          say(body.message);
          if (dirty) schedule();
        } else {
          // A conflict stops saving: what was typed stays in the form for the person to compare and keep.
          if (body.conflict) stopped = true;
          say(body.errors.join(" "), true);
        }
      })
      .catch(function () {
        saving = false;
        dirty = true;
        say(form.getAttribute("data-offline"), true);
        schedule(10000);
      });
  }

  function schedule(delay) {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, delay || 1500);
  }

  form.addEventListener("input", function (event) {
    if (event.target.name === "autosave") return;
    dirty = true;
    schedule();
  });
  form.addEventListener("change", function () { dirty = true; schedule(); });
  form.addEventListener("submit", function () { stopped = true; window.clearTimeout(timer); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") save(true);
  });
  window.addEventListener("pagehide", function () { save(true); });
})();
