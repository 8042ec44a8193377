// Checks a port before a server is started on it, so that a busy port is a clear error.
import net from 'node:net';

/**
 * Resolves when nothing listens on `host`:`port`, and rejects with an error that names the port
 * and how to choose another otherwise; `howToMove` is that advice, e.g. a command to run, ending the sentence.
 */
export function checkPortFree(host, port, howToMove = 'pass --port with another port.') {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (error) => {
      if (error.code === 'EADDRINUSE') {
        reject(new Error(`Port ${port} on ${host} is already in use; stop the server on it or ${howToMove}`));
      } else {
        reject(error);
      }
    });
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}
