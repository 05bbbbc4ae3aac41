// Placeholder until the view is built.
export function mount(el) {
  el.innerHTML = '<h1>dashboard</h1>';
  return () => undefined;
}
