export function Preauth() {
  return <section aria-label="Preauth" />;
}
