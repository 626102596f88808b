// The timeline without reloading the page: the years links and form swap the chart in place, a sideways
// drag pans it, and the treaty under keyboard focus shows its details beside it. Without this file
// every control is a plain link or form that the server answers.
(function () {
  "use strict";
  var main = document.getElementById("main");

  function view() { return document.getElementById("timeline-view"); }

  function load(url, push) {
    var current = view();
    if (current) current.classList.add("is-loading");
    return fetch(url, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("main");
        var focused = document.activeElement && document.activeElement.textContent;
        main.replaceChildren.apply(main, Array.prototype.slice.call(fresh.childNodes));
        if (push) history.pushState(null, "", url);
        // Keep the keyboard where it was: on the control of the same name, or on the years shown.
        var again = Array.prototype.find.call(main.querySelectorAll(".tl-move"), function (a) {
          return a.textContent === focused;
        }) || main.querySelector(".tl-showing");
        if (again) {
          if (!again.matches("a")) again.setAttribute("tabindex", "-1");
          again.focus();
        }
      })
      .catch(function () { window.location.assign(url); });
  }

  main.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.tl-move");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    load(link.href, true);
  });

  main.addEventListener("submit", function (event) {
    if (!event.target.matches(".tl-range")) return;
    event.preventDefault();
    var query = new URLSearchParams(new FormData(event.target)).toString();
    load(window.location.pathname + "?" + query, true);
  });

  window.addEventListener("popstate", function () { load(window.location.href, false); });

  // The details of the focused treaty, under its row: what its <title> tells a pointer or a screen reader.
  main.addEventListener("focusin", function (event) {
    var row = event.target.closest && event.target.closest(".tl-row");
    var figure = row && row.closest(".tl-chart");
    if (!figure) return;
    var tip = figure.querySelector(".tl-tip") || figure.appendChild(document.createElement("div"));
    tip.className = "tl-tip";
    tip.setAttribute("aria-hidden", "true"); // the link's own name says the same to a screen reader
    tip.textContent = row.querySelector("title").textContent;
    var box = row.querySelector(".tl-row-bg").getBoundingClientRect();
    var frame = figure.getBoundingClientRect();
    tip.style.top = (box.bottom - frame.top + 4) + "px";
    tip.style.left = "8px";
    tip.hidden = false;
  });
  main.addEventListener("focusout", function (event) {
    var tip = event.target.closest && event.target.closest(".tl-chart") &&
      event.target.closest(".tl-chart").querySelector(".tl-tip");
    if (tip) tip.hidden = true;
  });

  // A sideways drag on the chart moves the years by as much as it was dragged.
  var drag = null;
  main.addEventListener("pointerdown", function (event) {
    var rows = event.target.closest && event.target.closest(".tl-rows");
    if (!rows || event.button !== 0) return;
    drag = { rows: rows, x: event.clientX, dx: 0, moved: false };
  });
  main.addEventListener("pointermove", function (event) {
    if (!drag) return;
    drag.dx = event.clientX - drag.x;
    if (!drag.moved && Math.abs(drag.dx) < 8) return;
    if (!drag.moved) drag.rows.setPointerCapture(event.pointerId);
    drag.moved = true;
    drag.rows.classList.add("is-dragging");
    drag.rows.style.transform = "translateX(" + drag.dx + "px)";
  });
  function release() {
    if (!drag) return;
    var done = drag;
    drag = null;
    if (!done.moved) return;
    done.rows.classList.remove("is-dragging");
    // The click that ends a drag is not a click on the row under it.
    function swallow(event) {
      event.preventDefault();
      event.stopPropagation();
      main.removeEventListener("click", swallow, true);
    }
    main.addEventListener("click", swallow, true);
    setTimeout(function () { main.removeEventListener("click", swallow, true); }, 100); // ended with no click
    setTimeout(function () { done.rows.style.transform = ""; }, 400);
    var shown = view().dataset;
    var first = Number(shown.from), last = Number(shown.to);
    var plot = done.rows.getBoundingClientRect().width * Number(shown.plotShare);
    var years = Math.round(-done.dx / plot * (last - first + 1));
    years = Math.max(1800 - first, Math.min(years, 2199 - last));
    if (!years) { done.rows.style.transform = ""; return; }
    var query = new URLSearchParams(window.location.search);
    query.set("from", first + years);
    query.set("to", last + years);
    load(window.location.pathname + "?" + query.toString(), true);
  }
  main.addEventListener("pointerup", release);
  main.addEventListener("pointercancel", function () {
    if (drag) drag.rows.style.transform = "";
    drag = null;
  });
})();
