// Stops a server the harness started, with every process it started in turn.
import { execFileSync } from 'node:child_process';

/** Returns `pid` and all of its descendants, children before their parents. */
export function processTree(pid) {
  const children = new Map();
  const listing = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' });
  for (const line of listing.trim().split('\n')) {
    const [child, parent] = line.trim().split(/\s+/).map(Number);
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent).push(child);
  }
  const visit = (id) => [...(children.get(id) ?? []).flatMap(visit), id];
  return isRunning(pid) ? visit(pid) : [];
}

function isRunning(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false; // ESRCH: no such process
  }
}

function signal(pid, name) {
  try {
    process.kill(pid, name);
  } catch {
    // The process ended between listing and signalling it.
  }
}

/**
 * Sends SIGTERM to the process group led by `pid` and to every process of its tree (a child may
 * have left the group), then SIGKILL to whatever still runs after `graceSeconds`.
 * Returns the ids of processes that survived both.
 */
export async function stopProcessGroup(pid, graceSeconds = 5) {
  const tree = processTree(pid);
  signal(-pid, 'SIGTERM');
  for (const id of tree) signal(id, 'SIGTERM');

  const deadline = performance.now() + graceSeconds * 1000;
  while (performance.now() < deadline && tree.some(isRunning)) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const remaining = tree.filter(isRunning);
  if (remaining.length > 0) {
    signal(-pid, 'SIGKILL');
    for (const id of remaining) signal(id, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return tree.filter(isRunning);
}
