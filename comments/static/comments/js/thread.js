// Opinion threads: everything works without this file; it only saves page loads.
(function () {
  "use strict";
  if (window.__opinionThread) return;
  window.__opinionThread = true;

  function fetchHTML(url) {
    return fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } }).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.text();
    });
  }

  // The length as one types or pastes: a text over the limit is kept whole and said so (the server refuses
  // it with the same figures), never cut.
  function count(area) {
    var limit = parseInt(area.getAttribute("data-max-length"), 10);
    var out = area.form && area.form.querySelector("[data-count-for='" + area.id + "']");
    if (!limit || !out) return;
    var length = Array.from(area.value).length;
    out.hidden = false;
    if (length > limit) {
      out.textContent = out.getAttribute("data-over").replace("%(over)s", length - limit).replace("%(limit)s", limit);
      out.classList.add("opinion-form__count--over");
    } else {
      out.textContent = out.getAttribute("data-left").replace("%(count)s", length).replace("%(limit)s", limit);
      out.classList.remove("opinion-form__count--over");
    }
  }
  document.addEventListener("input", function (event) {
    if (event.target.matches("textarea[data-max-length]")) count(event.target);
  });
  document.querySelectorAll("textarea[data-max-length]").forEach(function (area) { if (area.value) count(area); });
  // A proposed wording: both text areas are in the page (it works without this file); show the chosen one.
  function showProposal(fields) {
    var chosen = fields.querySelector("input[type=radio]:checked");
    var kind = chosen ? chosen.value : "none";
    fields.querySelectorAll("[data-proposal-for]").forEach(function (box) {
      box.hidden = box.getAttribute("data-proposal-for") !== kind;
    });
  }
  document.querySelectorAll("[data-proposal-fields]").forEach(showProposal);
  document.addEventListener("change", function (event) {
    var fields = event.target.closest && event.target.closest("[data-proposal-fields]");
    if (fields) showProposal(fields);
  });
  // After a post the page lands on the confirmation: focus it so it is read out.
  var landed = window.location.hash === "#messages" && document.getElementById("messages");
  if (landed) { landed.focus(); }

  function announce(form, text) {
    var live = form.querySelector("[data-live]");
    if (!live) {
      live = document.createElement("span");
      live.className = "visually-hidden";
      live.setAttribute("role", "status");
      live.setAttribute("data-live", "");
      form.appendChild(live);
    }
    live.textContent = text;
  }

  // What is typed in an opinion box stays in this tab (sessionStorage) until it is saved: when the post meets
  // an outage (the 503 page) or the tab is reloaded, the text comes back in the box (issue 20, item 7).
  function draftKey(area) {
    var form = area.form;
    var parent = form && form.querySelector("[name=parent]");
    return "opinion-draft:" + window.location.pathname + ":" + (parent ? parent.value : "") + ":" + area.name;
  }
  function storage() {
    try { return window.sessionStorage; } catch (e) { return null; }
  }
  var store = storage();
  if (store) {
    var saved = document.querySelector(".message--success");
    document.querySelectorAll("[data-opinion-form] textarea").forEach(function (area) {
      var key = draftKey(area);
      if (saved) { store.removeItem(key); return; }
      var kept = store.getItem(key);
      if (kept && !area.value) {
        area.value = kept;
        if (area.hasAttribute("data-max-length")) count(area);
      }
    });
    document.addEventListener("input", function (event) {
      var area = event.target;
      if (area.matches && area.matches("[data-opinion-form] textarea")) {
        try { store.setItem(draftKey(area), area.value); } catch (e) { /* storage full: the form still has it */ }
      }
    });
  }
  // Back from an error page: the browser may restore this page as it was, button disabled; send again works.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("[data-opinion-form]").forEach(function (form) {
      delete form.dataset.sent;
      var button = form.querySelector("button[type=submit]");
      if (button) button.disabled = false;
    });
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches("[data-confirm]") && !window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
      return;
    }
    if (form.matches("[data-opinion-form]")) {
      // One click, one opinion: the server also refuses a repeated submission key.
      var button = form.querySelector("button[type=submit]");
      if (form.dataset.sent) { event.preventDefault(); return; }
      form.dataset.sent = "1";
      if (button) { button.disabled = true; }
      return;
    }
    if (form.matches("[data-support]")) {
      event.preventDefault();
      // The button stays where it is and keeps the focus; the result is announced (issue 22).
      var submit = form.querySelector("button");
      if (form.dataset.busy || form.dataset.done_) { return; }
      form.dataset.busy = "1";
      submit.setAttribute("aria-disabled", "true");
      fetch(form.action, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (r) {
        return r.json().then(function (data) { return { ok: r.ok, data: data, status: r.status }; });
      }).then(function (result) {
        delete form.dataset.busy;
        if (result.ok) {
          var text = form.dataset.done + " " + result.data.support_count;
          form.dataset.done_ = "1";
          submit.textContent = text;
          submit.classList.add("support--done");
          announce(form, text);
        } else if (result.status === 403) {
          window.location.href = "/accounts/login/?next=" + encodeURIComponent(window.location.pathname);
        } else {
          submit.removeAttribute("aria-disabled");
          var note = form.nextElementSibling && form.nextElementSibling.matches(".form-errors") ? form.nextElementSibling : null;
          if (!note) {
            note = document.createElement("span");
            note.className = "form-errors";
            note.setAttribute("role", "alert");
            form.after(note);
          }
          note.textContent = result.data.error;
        }
      }).catch(function () { form.submit(); });
    }
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-next]");
    if (link) {
      event.preventDefault();
      var url = link.getAttribute("data-next");
      link.setAttribute("aria-busy", "true");
      fetchHTML(url).then(function (html) {
        var holder = link.closest("li.opinions__next, p.opinion__more");
        var target = link.dataset.target ? document.getElementById(link.dataset.target) : null;
        if (target) {
          target.insertAdjacentHTML("beforeend", html);
          holder.remove();
        } else {
          holder.insertAdjacentHTML("afterend", html);
          holder.remove();
        }
      }).catch(function () { window.location.href = link.href; });
      return;
    }
    var counts = event.target.closest("a[data-article-id]");
    if (counts) {
      // The draft page: open an article's thread under it instead of leaving the page.
      event.preventDefault();
      var article = counts.closest("[id^=article-]") || counts.parentElement;
      var open = article.querySelector(".thread-inline");
      if (open) { open.remove(); return; }
      var box = document.createElement("div");
      box.className = "thread-inline";
      box.innerHTML = '<ol class="opinions"></ol><p><a href="' + counts.href + '">' + (counts.dataset.more || counts.textContent) + "</a></p>";
      counts.parentElement.after(box);
      fetchHTML("/opinions/articles/" + counts.dataset.articleId + "/?partial=1").then(function (html) {
        box.querySelector("ol").innerHTML = html;
      }).catch(function () { window.location.href = counts.href; });
    }
  });
})();
