// A real nginx (Debian's package) in front of Gatehouse, as a deployment would run it: every
// request to the protected site is first checked by `auth_request` against GET /v1/auth/check,
// and the identity Gatehouse answers is passed to a static upstream (a second nginx server
// that echoes what it received as JSON).
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, sleep } from './support.mjs';

const NGINX = process.env.TEST_NGINX_BIN ?? '/usr/sbin/nginx';
const IDENTITY = ['user-id', 'session-id', 'roles', 'amr'];

function config({ dir, proxyPort, upstreamPort, gatehousePort }) {
  const vars = IDENTITY.map((h) => h.replace('-', '_'));
  const echoed = IDENTITY.map((h, i) => `"${h}":"$http_x_gatehouse_${vars[i]}"`).join(',');
  return `
daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;

  # The static upstream: says which identity headers reached it.
  server {
    listen 127.0.0.1:${upstreamPort};
    location / {
      default_type application/json;
      return 200 '{${echoed},"path":"$request_uri"}';
    }
  }

  # The protected site.
  server {
    listen 127.0.0.1:${proxyPort};
    location = /_gatehouse_check {
      internal;
      proxy_pass http://127.0.0.1:${gatehousePort}/v1/auth/check;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-URI $request_uri;
      proxy_set_header X-Original-URL $scheme://$http_host$request_uri;
    }
    # A browser Gatehouse refuses is sent to sign in (the check's Location); anything else
    # gets the 401 (nginx passes the check's WWW-Authenticate on by itself).
    location @gatehouse_sign_in {
      if ($gh_location) { return 302 $gh_location; }
      return 401;
    }
    location / {
      auth_request /_gatehouse_check;
      auth_request_set $gh_location $upstream_http_location;
      error_page 401 = @gatehouse_sign_in;
${IDENTITY.map((h, i) => `      auth_request_set $gh_${vars[i]} $upstream_http_x_gatehouse_${vars[i]};`).join('\n')}
      # Set, not passed through: whatever the client sent under these names is replaced.
${IDENTITY.map((h, i) => `      proxy_set_header X-Gatehouse-${h.replace(/(^|-)([a-z])/g, (m, d, c) => d + c.toUpperCase())} $gh_${vars[i]};`).join('\n')}
      proxy_pass http://127.0.0.1:${upstreamPort};
    }
  }
}
`;
}

// `proxyPort`: where the protected site listens (a free port when not given).
export async function startNginx(gatehousePort, { proxyPort } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-nginx-'));
  proxyPort ??= await freePort();
  const upstreamPort = await freePort();
  writeFileSync(path.join(dir, 'nginx.conf'), config({ dir, proxyPort, upstreamPort, gatehousePort }));
  const proc = spawn(NGINX, ['-p', dir, '-c', path.join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => proc.on('exit', resolve));
  const url = `http://127.0.0.1:${proxyPort}`;
  for (let i = 0; i < 100; i++) {
    if (proc.exitCode !== null) break;
    try {
      await fetch(url);
      return {
        url,
        async stop() {
          proc.kill('SIGQUIT');
          await exited;
          rmSync(dir, { recursive: true, force: true });
        },
        errorLog: () => readFileSync(path.join(dir, 'error.log'), 'utf8'),
      };
    } catch {
      await sleep(50);
    }
  }
  proc.kill('SIGKILL');
  throw new Error(`nginx did not start: ${stderr}`);
}
