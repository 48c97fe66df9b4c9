/*! Redress loader. One tag on a storefront:
 *  <script src="https://EDGE/embed.js" data-store="STORE" async></script>
 * It adds a launcher inside a shadow root and fetches the WebAssembly app only when
 * the shopper opens it. Before that it costs this file alone: no wasm, no fonts, no
 * cookies, no storage. */
(function () {
  var script = document.currentScript;
  if (!script || window.__redress) return;
  var data = script.dataset;
  var src = new URL(script.src, location.href);
  var base = src.href.slice(0, src.href.lastIndexOf("/"));
  var state = (window.__redress = { opened: null });

  var host = document.createElement("div");
  host.id = "redress-host";
  var root = host.attachShadow({ mode: "open" });
  root.innerHTML =
    "<style>:host{all:initial}#redress-launcher{position:fixed;right:16px;bottom:16px;" +
    "z-index:2147483647;padding:10px 16px;border:0;border-radius:999px;background:" +
    (data.accent || "#0969da") +
    ";color:#fff;font:600 15px/1.2 system-ui,sans-serif;cursor:pointer;box-shadow:0 4px 16px rgba(0,0,0,.25)}" +
    "#redress-launcher:focus-visible{outline:3px solid #1f2328;outline-offset:2px}</style>" +
    '<button id="redress-launcher" type="button" aria-haspopup="dialog">Report a problem</button>';

  function open() {
    host.setAttribute("data-open", "");
    state.opened =
      state.opened ||
      import(base + "/widget/redress-widget.js").then(function (app) {
        return app.default({ module_or_path: base + "/widget/redress-widget_bg.wasm" }).then(function () {
          app.mount(root, {
            store: data.store,
            api: data.api || src.origin,
            assets: base,
            product: data.product,
            productUrl: location.href.split("#")[0],
            orderNumber: data.orderNumber,
            locale: data.locale || document.documentElement.lang || navigator.language,
            case: caseLink(),
          });
        });
      });
    return state.opened;
  }
  root.getElementById("redress-launcher").addEventListener("click", open);

  // A status link from a receipt (#redress-case=<reference>.<token>) opens the case.
  function caseLink() {
    var m = /[#&]redress-case=([A-Za-z0-9_.-]+)/.exec(location.hash);
    return m ? m[1] : undefined;
  }
  if (caseLink()) open();

  function attach() {
    document.body.appendChild(host);
  }
  if (document.body) attach();
  else document.addEventListener("DOMContentLoaded", attach);
})();
