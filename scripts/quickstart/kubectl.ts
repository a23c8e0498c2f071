// kubectl with the cluster's kubeconfig: what a person would type. Only what kubectl 1.20 can do.
import { execFile } from 'node:child_process';

export function kubectl(kubeconfig: string, args: readonly string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'kubectl',
      [`--kubeconfig=${kubeconfig}`, ...args],
      { maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error === null) {
          resolve(stdout);
          return;
        }
        reject(
          new Error(`kubectl ${args.join(' ')} failed: ${stderr.trim() || error.message}`, { cause: error }),
        );
      },
    );
    child.stdin?.end(input);
  });
}
