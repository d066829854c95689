/**
 * Our own bound on an SFTP operation: a stalled server can hang a call forever even with
 * keepalives (dependencies.md), so every call is raced against a timer.
 */
export async function withTimeout<T>(operation: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  // The losing operation may still settle later; its outcome no longer matters.
  operation.catch(() => undefined);
  try {
    return await Promise.race([operation, expired]);
  } finally {
    clearTimeout(timer);
  }
}
