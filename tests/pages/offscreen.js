// Text a reader cannot see without scrolling the page sideways, or that a box cuts off.
// Text past the edge of a scroller is allowed only when the scroller announces itself
// (role=region, a name, tabindex=0): then a screen reader names it and a keyboard can scroll it.
() => {
  const viewport = document.documentElement.clientWidth;
  const style = (el) => getComputedStyle(el);
  const announced = (el) => el.getAttribute("role") === "region" && el.hasAttribute("aria-label")
    && el.getAttribute("tabindex") === "0";
  const scrolls = (el) => ["auto", "scroll"].includes(style(el).overflowX) && el.scrollWidth > el.clientWidth + 1;
  const clips = (el) => ["hidden", "clip"].includes(style(el).overflowX);
  // The visually-hidden pattern: a 1-pixel clipped box holding text for screen readers only.
  const screenReaderOnly = (el) => clips(el) && el.offsetWidth <= 1 && el.offsetHeight <= 1;
  const label = (node) => node.textContent.trim().replace(/\s+/g, " ").slice(0, 60);

  const problems = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    const ancestors = [];
    for (let el = node.parentElement; el && el !== document.documentElement; el = el.parentElement) ancestors.push(el);
    if (ancestors.some((el) => screenReaderOnly(el) || style(el).visibility === "hidden")) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const rects = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
    const problem = (() => {
      for (const box of ancestors) {
        if (box === document.body || !(scrolls(box) || clips(box))) continue;
        const edge = box.getBoundingClientRect();
        const outside = rects.some((r) => r.left < edge.left - 1 || r.right > edge.right + 1);
        if (!outside) continue;
        if (scrolls(box) && announced(box)) {  // reachable, if the scroller itself is on the screen
          return edge.left < -1 || edge.right > viewport + 1 ? "in a scroller past the edge of the screen" : null;
        }
        return scrolls(box) ? "in a scroller that does not announce itself" : "cut off by its box";
      }
      return rects.some((r) => r.left < -1 || r.right > viewport + 1) ? "past the edge of the screen" : null;
    })();
    if (problem) problems.push(`${label(node)} (${problem})`);
  }
  return problems;
}
