// Actors for `npx repid worker ./actors.js --queues default` in the pack check.
export async function shout(text) {
  return `${text.toUpperCase()}!`;
}
