// A little JavaScript, none of it needed: the page works without it.
(function () {
  "use strict";
  // Region picker: offer places matching what is typed (name, park, English or code), from GET /regions?q=.
  document.querySelectorAll("input[data-region-search]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null, last = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = input.value.trim();
        if (!q || q === last || !list) { return; }
        last = q;
        fetch("/regions?q=" + encodeURIComponent(q) + "&limit=12")
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (places) {
            list.textContent = "";
            places.forEach(function (p) {
              var opt = document.createElement("option");
              // the place's full name, which the resolver reads back as this very place (no code shown)
              opt.value = document.documentElement.lang === "en" ? (p.full_en || p.en) : (p.full_zh || p.zh);
              list.appendChild(opt);
            });
          })
          .catch(function () {});
      }, 200);
    });
  });
  // The company's place: for an overseas processor it is its representative's place in China, optional.
  // The server words the label from what was posted; this keeps it right as the clerk changes the choice.
  var region = document.querySelector("input[data-label-abroad]");
  var regionLabel = region && document.querySelector('label[for="' + region.id + '"]');
  if (regionLabel) {
    document.querySelectorAll('input[name="company.established"]').forEach(function (radio) {
      radio.addEventListener("change", function () {
        if (radio.checked) {
          regionLabel.textContent = region.getAttribute(radio.value === "abroad" ? "data-label-abroad" : "data-label-mainland");
        }
      });
    });
  }
  // Print button (shown only when this script runs).
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () { window.print(); });
  });
  // Focus: the error summary after a refused submission, or the field a button added.
  var summary = document.getElementById("error-summary");
  var form = document.querySelector("form[data-focus]");
  if (summary) { summary.focus(); }
  else if (form) { var el = document.getElementById(form.getAttribute("data-focus")); if (el) { el.focus(); } }
})();
