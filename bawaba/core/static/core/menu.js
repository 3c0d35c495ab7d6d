// The header's menu on a small screen: the "Menu" button folds the navigation away and opens it again.
// Without this file the button stays hidden and the navigation stays open (it wraps): nothing depends on it.
// A static file, because the Content-Security-Policy refuses inline scripts.
(function () {
  "use strict";
  var header = document.querySelector(".site-header");
  var button = header && header.querySelector(".menu-toggle");
  var menu = button && document.getElementById(button.getAttribute("aria-controls"));
  if (!menu) return;

  function setOpen(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("is-open", open);
  }

  button.hidden = false;
  header.classList.add("site-header--menu");
  setOpen(false);
  button.addEventListener("click", function () {
    setOpen(button.getAttribute("aria-expanded") !== "true");
  });

  // The disclosure menus of the navigation (<details class="nav-group">) close as menus do: on Escape, back to
  // their name, and when the pointer or the focus goes elsewhere.
  var groups = Array.prototype.slice.call(header.querySelectorAll(".nav-group"));
  function closeGroups(except) {
    groups.forEach(function (group) {
      if (group !== except) group.open = false;
    });
  }
  document.addEventListener("click", function (event) {
    closeGroups(event.target.closest ? event.target.closest(".nav-group") : null);
  });
  document.addEventListener("focusin", function (event) {
    closeGroups(event.target.closest ? event.target.closest(".nav-group") : null);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    groups.forEach(function (group) {
      if (group.open) {
        group.open = false;
        group.querySelector("summary").focus();
      }
    });
  });
})();
