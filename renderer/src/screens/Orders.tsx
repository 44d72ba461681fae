export function Orders() {
  return <section aria-label="Orders" />;
}
