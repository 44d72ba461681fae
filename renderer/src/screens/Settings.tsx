export function Settings() {
  return <section aria-label="Settings" />;
}
