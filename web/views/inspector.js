// Placeholder until the view is built.
export function mount(el) {
  el.innerHTML = '<h1>inspector</h1>';
  return () => undefined;
}
