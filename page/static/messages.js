// Gradio writes a few messages in English whatever the browser's language; the page speaks Chinese first.
// Also: on a narrow screen (a phone) the filters start folded, so the question and the answer fit the first screen.
(() => {
  const RULES = [
    [/^Connection to the server was lost\. Attempting reconnection\.\.\.$/,
     "与服务器的连接已断开，正在重新连接……程序重启后页面会自动恢复；若刚才正在上传，重启时会自动完成，并在「报告库」页说明。" +
     " / Connection to the server was lost; reconnecting."],
    [/^queue: (\d+)\/(\d*) \|$/, (_, at, of) => `排队中：第 ${at} 位${of ? `（共 ${of} 位）` : ""} |`],
    [/^processing \|$/, "处理中 |"],
    [/^Error$/, "出错 / Error"],
    [/^Warning$/, "注意 / Warning"],
    [/^Filter$/, "筛选"],
    [/^Clear filters$/, "清除筛选"],
  ];
  const fix = (node) => {
    const text = (node.nodeValue || "").trim();
    for (const [pattern, into] of RULES) {
      if (pattern.test(text)) {
        node.nodeValue = text.replace(pattern, into);
        return;
      }
    }
  };
  const PLACEHOLDERS = {"Search...": "搜索报告 / Search"};
  const walk = (root) => {
    if (root.nodeType === Node.TEXT_NODE) return fix(root);
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    for (const input of [root, ...root.querySelectorAll("input[placeholder]")]) {
      const into = PLACEHOLDERS[input.getAttribute && input.getAttribute("placeholder")];
      if (into) input.setAttribute("placeholder", into);
    }
    const texts = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = texts.nextNode(); node; node = texts.nextNode()) fix(node);
  };
  let folded = window.innerWidth >= 700;
  const fold = () => {  // once, after the page has drawn: a click before that is lost
    if (folded || !document.querySelector("#filters .label-wrap")) return;
    folded = true;
    const close = (tries) => {
      const toggle = document.querySelector("#filters .label-wrap");
      if (toggle && toggle.classList.contains("open")) toggle.click();
      if (tries > 0) setTimeout(() => close(tries - 1), 400);
    };
    setTimeout(() => close(3), 400);
  };
  new MutationObserver((changes) => {
    for (const change of changes) {
      if (change.type === "characterData") fix(change.target);
      change.addedNodes.forEach(walk);
    }
    fold();
  }).observe(document.documentElement, {childList: true, subtree: true, characterData: true});
})();
