// Placeholder until the view is built.
export function mount(el) {
  el.innerHTML = '<h1>symbol</h1>';
  return () => undefined;
}
