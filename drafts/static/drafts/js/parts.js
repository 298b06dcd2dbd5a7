// A long draft's page shows one part of its text (issue 22). A link to the whole text's anchor from
// before (…/#article-123, …/#chapter-45) would find nothing here: go to the part that holds it. The
// contents know each heading's part; an article's part the server finds (?article=N). Without
// JavaScript the contents and the link to the whole text still lead there.
(function () {
  "use strict";
  var text = document.querySelector(".draft-text[data-article-url]");
  if (!text) {
    return;
  }

  function findPart() {
    var hash = window.location.hash;
    if (hash.length < 2 || document.getElementById(decodeURIComponent(hash.slice(1)))) {
      return;
    }
    var links = document.querySelectorAll(".toc-card a[href]");
    for (var i = 0; i < links.length; i++) {
      var href = links[i].getAttribute("href");
      if (href.charAt(0) !== "#" && href.slice(-hash.length) === hash) {
        window.location.replace(href);
        return;
      }
    }
    var article = /^#article-(\d+)$/.exec(hash);
    if (article) {
      window.location.replace(text.getAttribute("data-article-url") + article[1] + hash);
    }
  }

  findPart();
  window.addEventListener("hashchange", findPart);
})();
