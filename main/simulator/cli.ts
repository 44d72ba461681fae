// Placeholder until the gateway simulator lands (issue 3).
console.error('simulator not built yet');
process.exit(1);
