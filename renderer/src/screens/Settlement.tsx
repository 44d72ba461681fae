export function Settlement() {
  return <section aria-label="Settlement" />;
}
