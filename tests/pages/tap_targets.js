// Controls a thumb must hit at phone width (WCAG 2.5.5, 44 × 44 CSS pixels): the main navigation,
// every button and text field, and the links that page through lists. Links inside sentences are exempt.
() => {
  const controls = document.querySelectorAll([
    "nav a", "button", "select", ".brand",
    "input:not([type=hidden]):not([type=checkbox]):not([type=radio])",
  ].join(","));
  return [...controls]
    .filter((el) => el.getClientRects().length > 0)
    .map((el) => [el, el.getBoundingClientRect()])
    .filter(([, box]) => box.width < 44 || box.height < 44)
    .map(([el, box]) => `${el.tagName.toLowerCase()} "${(el.textContent || el.name || "").trim().slice(0, 40)}"`
      + ` is ${Math.round(box.width)} × ${Math.round(box.height)}`);
}
