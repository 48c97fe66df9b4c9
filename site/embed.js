/*! Redress loader. One tag on a storefront:
 *  <script src="https://EDGE/embed.js" data-store="STORE" async></script>
 * It adds a launcher inside a shadow root and fetches the WebAssembly app only when
 * the shopper opens it. Before that it costs this file alone: no wasm, no fonts, no
 * cookies, no storage.
 *
 * Page API, usable before this file has loaded (calls queue up):
 *   window.Redress = window.Redress || function () { (Redress.q = Redress.q || []).push(arguments); };
 *   Redress("open", { orderId, email, productId });  Redress("close");
 *   Redress("on", "submitted", function (detail) { detail.reference });
 * and DOM events on document: redress:opened, redress:closed, redress:submitted. */
(function () {
  var script = document.currentScript;
  if (!script || window.__redress) return;
  var data = script.dataset;
  // Under a strict CSP the owner passes a nonce on the tag; our <style> elements carry it.
  var nonce = script.nonce || data.nonce || "";
  var src = new URL(script.src, location.href);
  var base = src.href.slice(0, src.href.lastIndexOf("/"));
  var state = (window.__redress = { opened: null });
  var handlers = {};

  var host = document.createElement("div");
  host.id = "redress-host";
  var root = host.attachShadow({ mode: "open" });
  var style = document.createElement("style");
  if (nonce) style.nonce = nonce;
  style.textContent =
    ":host{all:initial}#redress-launcher{position:fixed;" +
    (data.position === "left" ? "left" : "right") +
    ":16px;bottom:16px;z-index:2147483647;padding:10px 16px;border:0;border-radius:999px;background:" +
    (data.accent || "#0969da") +
    ";color:#fff;font:600 15px/1.2 system-ui,sans-serif;cursor:pointer;box-shadow:0 4px 16px rgba(0,0,0,.25)}" +
    "#redress-launcher:focus-visible{outline:3px solid #1f2328;outline-offset:2px}";
  var launcher = document.createElement("button");
  launcher.id = "redress-launcher";
  launcher.type = "button";
  launcher.setAttribute("aria-haspopup", "dialog");
  launcher.textContent = "Report a problem";
  root.append(style, launcher);

  function emit(name, detail) {
    document.dispatchEvent(new CustomEvent("redress:" + name, { detail: detail }));
    (handlers[name] || []).forEach(function (fn) {
      try {
        fn(detail);
      } catch (e) {
        setTimeout(function () { throw e; });
      }
    });
  }

  // A status link from a receipt (#redress-case=<reference>.<token>) opens the case.
  function caseLink() {
    var m = /[#&]redress-case=([A-Za-z0-9_.-]+)/.exec(location.hash);
    return m ? m[1] : undefined;
  }

  function open(options) {
    options = options || {};
    host.setAttribute("data-open", "");
    emit("opened", {});
    state.opened =
      state.opened ||
      import(base + "/widget/redress-widget.js").then(function (app) {
        return app.default({ module_or_path: base + "/widget/redress-widget_bg.wasm" }).then(function () {
          app.mount(root, {
            store: data.store,
            api: data.api || src.origin,
            assets: base,
            product: options.productId || data.product,
            productUrl: location.href.split("#")[0],
            orderNumber: options.orderId || data.orderNumber,
            email: options.email,
            locale: data.locale || document.documentElement.lang || navigator.language,
            case: caseLink(),
            nonce: nonce,
          });
        });
      });
    return state.opened;
  }

  function close() {
    host.removeAttribute("data-open");
    emit("closed", {});
  }

  // The widget announces a filed case on the host element.
  host.addEventListener("redress:submitted", function (e) {
    e.stopPropagation();
    emit("submitted", e.detail);
  });
  launcher.addEventListener("click", function () {
    open();
  });

  function api(command, a, b) {
    if (command === "open") open(a);
    else if (command === "close") close();
    else if (command === "on" && typeof b === "function") (handlers[a] = handlers[a] || []).push(b);
  }
  var queued = (window.Redress && window.Redress.q) || [];
  window.Redress = api;
  for (var i = 0; i < queued.length; i++) api.apply(null, queued[i]);

  function attach() {
    document.body.appendChild(host);
  }
  if (document.body) attach();
  else document.addEventListener("DOMContentLoaded", attach);
  if (caseLink() || data.open !== undefined) open();
})();
