// Select `text` (its first occurrence at or after `from`) in one column as a person would:
// a Range over the column's text nodes, so the selection may cross elements and highlights.
// Called by the tests with page.evaluate(SELECT_TEXT, [side, text, from]).
([side, text, from]) => {
  const root = document.querySelector(`.doc-column[data-side="${side}"] .doc-text`);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes = [];
  let full = "";
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    nodes.push([node, full.length]);
    full += node.data;
  }
  const at = full.indexOf(text, from || 0);
  if (at < 0) {
    throw new Error(`not in column ${side}: ${text}`);
  }
  const locate = (position, isEnd) => {
    for (const [node, start] of nodes) {
      const end = start + node.data.length;
      if (isEnd ? position <= end : position < end) {
        return [node, position - start];
      }
    }
  };
  const [startNode, startOffset] = locate(at, false);
  const [endNode, endOffset] = locate(at + text.length, true);
  startNode.parentElement.scrollIntoView({ block: "center" });
  const range = document.createRange();
  range.setStart(startNode, startOffset);
  range.setEnd(endNode, endOffset);
  const selection = getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}
