/* Redress loader. One tag on a storefront:
 *  <script src="https://EDGE/embed.js" data-store="STORE" async></script>
 * It adds a launcher inside a shadow root and fetches the WebAssembly app, which draws
 * the form closed, only when the shopper shows intent (a pointer over the launcher, a
 * touch, focus on it) or opens it; with data-prefetch="idle", once the page is idle.
 * Before that it costs this file alone: no wasm, no fonts, no cookies, no storage.
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
  window.__redress = 1;
  var handlers = {};
  var edge = data.api || src.origin;
  // The shopper's languages, best first: the tag, the page, the browser. The edge picks
  // the catalog; the launcher's own label is here, so nothing is fetched before opening.
  var wanted = [data.locale, document.documentElement.lang]
    .concat(navigator.languages || [navigator.language])
    .filter(Boolean);
  var primary = (wanted[0] || "en").split(/[-_]/)[0].toLowerCase();
  var label = {
    zh: "反馈问题", es: "Informar de un problema", fr: "Signaler un problème",
    de: "Problem melden", pt: "Relatar um problema", ru: "Сообщить о проблеме",
    ja: "問題を報告", ko: "문제 신고", ar: "الإبلاغ عن مشكلة", it: "Segnala un problema",
    tr: "Sorun bildir",
  }[primary];

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
  launcher.textContent = label || "Report a problem";
  if (primary === "ar") launcher.dir = "rtl";
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

  // A status link from an older receipt (#redress-case=<reference>.<token>): the case
  // now lives on its own page on the edge.
  var oldLink = /[#&]redress-case=([A-Za-z0-9_.-]+)/.exec(location.hash);
  if (oldLink) location.replace(edge + "/case/#" + oldLink[1]);

  function get(url) {
    return fetch(url)
      .then(function (r) {
        return r.ok ? r.json() : null;
      })
      .catch(function () {
        return null;
      });
  }

  // The widget's panel is a <dialog>: opened modal, it holds focus, makes the page
  // inert, closes on Escape and hands focus back to the launcher.
  function panel() {
    return root.getElementById("redress-panel");
  }

  // The app's glue and its wasm, compiled while it downloads, and the store's settings
  // (its limits and words, cached briefly), from the first sign of intent, then the
  // form drawn closed, so that the click only opens it; with data-prefetch="idle", all
  // of that once the page is idle. The form token (spam_guard), never cached, waits
  // for real intent: an idle page must not hold one nobody asked for.
  // The app's folder, named by a digest of its files at build time (scripts/build.sh):
  // they are cached for good, and a new build is a new folder.
  var dir = base + "/widget/@widget@";
  var wasm = dir + "/app.wasm";
  var storeApi = edge + "/v1/stores/" + encodeURIComponent(data.store);
  var drawn, token, turnstile;
  function draw() {
    return (drawn =
      drawn ||
      Promise.all([
        import(dir + "/app.js"),
        // A server without application/wasm: the glue fetches it itself.
        WebAssembly.compileStreaming(fetch(wasm)).catch(function () {
          return wasm;
        }),
        get(storeApi + "/widget?locale=" + encodeURIComponent(wanted.join(","))),
      ]).then(function (got) {
        var store = got[2]; // the store's evidence limits and words; null: the defaults
        return got[0].default({ module_or_path: got[1] }).then(function () {
          got[0].mount(root, {
            store: data.store,
            api: edge,
            settings: store,
            assets: dir,
            product: data.product,
            productUrl: location.href.split("#")[0],
            orderNumber: data.orderNumber,
            email: data.email,
            locale: wanted[0],
            nonce: nonce,
          });
          return store;
        });
      }));
  }
  function intent() {
    token = token || get(storeApi + "/form-token");
    return draw();
  }

  // The page's options reach the widget at every opening (widget_ids::OPEN), with the
  // form token's promise.
  function open(options) {
    emit("opened", {});
    return intent().then(function (store) {
      host.dispatchEvent(new CustomEvent("redress:open", { detail: [options, token] }));
      if (store && store.turnstile && !turnstile) challenge((turnstile = store.turnstile));
      if (!panel().open) panel().showModal();
    });
  }

  // A store that asks for Cloudflare Turnstile: its script runs in the page (not in a
  // shadow root) and draws the challenge above the form's error line, leaving its
  // token in a hidden input there for the widget to send.
  function challenge(t) {
    var box = document.createElement("div");
    box.id = "redress-turnstile";
    root.getElementById("redress-form-error").before(box);
    function draw() {
      window.turnstile.render(box, { sitekey: t.site_key });
    }
    if (window.turnstile) return draw();
    var tag = document.createElement("script");
    tag.src = t.script;
    if (nonce) tag.nonce = nonce;
    tag.onload = draw;
    document.head.appendChild(tag);
  }

  function close() {
    if (panel() && panel().open) panel().close();
  }
  // However it closed (Escape, its close button, the page API): one event. `close`
  // does not bubble, so it is caught on its way down.
  root.addEventListener(
    "close",
    function () {
      emit("closed", {});
    },
    true
  );

  // The widget announces a filed case on the host element.
  host.addEventListener("redress:submitted", function (e) {
    e.stopPropagation();
    emit("submitted", e.detail);
  });
  launcher.addEventListener("click", function () {
    open();
  });
  ["pointerenter", "touchstart", "focus"].forEach(function (type) {
    launcher.addEventListener(type, intent, { passive: true });
  });
  if (data.prefetch === "idle") (window.requestIdleCallback || setTimeout)(draw);

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
  if (data.open !== undefined) open();
})();
