// Find `text` in one column and return the viewport boxes of its first and last characters,
// so a test can drag over it with the real mouse. Scrolls the text into the middle first.
// Called with page.evaluate(FIND_TEXT_BOXES, [side, text]).
([side, text]) => {
  const root = document.querySelector(`.doc-column[data-side="${side}"] .doc-text`);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes = [];
  let full = "";
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    nodes.push([node, full.length]);
    full += node.data;
  }
  const at = full.indexOf(text);
  if (at < 0) {
    throw new Error(`not in column ${side}: ${text}`);
  }
  const locate = (position) => {
    for (const [node, start] of nodes) {
      if (position < start + node.data.length) {
        return [node, position - start];
      }
    }
  };
  const box = (position) => {
    const [node, offset] = locate(position);
    const range = document.createRange();
    range.setStart(node, offset);
    range.setEnd(node, offset + 1);
    const rect = range.getClientRects()[0];
    return { left: rect.left, right: rect.right, top: rect.top, bottom: rect.bottom };
  };
  locate(at)[0].parentElement.scrollIntoView({ block: "center" });
  return { first: box(at), last: box(at + text.length - 1) };
}
