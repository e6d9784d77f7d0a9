// A browser without JavaScript, for the hosted pages' black-box tests: a cookie jar, form
// posts with the CSRF cookie's token, and redirects left to the test to follow.
export class Visitor {
  constructor(server) {
    this.server = server;
    this.jar = new Map();
  }
  cookie(name) {
    return this.jar.get(name);
  }
  async request(method, path, { form, headers = {}, body } = {}) {
    const h = { ...headers };
    if (this.jar.size) h.cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    if (form) {
      h['content-type'] ??= 'application/x-www-form-urlencoded';
      h.origin ??= this.server.url;
      body = new URLSearchParams(form).toString();
    }
    const res = await fetch(this.server.url + path, { method, headers: h, body, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const [name, value] = [pair.slice(0, eq), pair.slice(eq + 1)];
      if (attributes.includes('Max-Age=0') || value === '') this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return { status: res.status, headers: res.headers, location: res.headers.get('location'), html: await res.text() };
  }
  get(path, opts) {
    return this.request('GET', path, opts);
  }
  // Posts a form with the CSRF token the page's forms carry (the CSRF cookie), unless `fields` sets one.
  post(path, fields, opts = {}) {
    return this.request('POST', path, { form: { csrf: this.cookie('__Host-gh_csrf') ?? '', ...fields }, ...opts });
  }
  async signIn(email, password, extra = {}) {
    await this.get('/sign-in');
    return this.post('/sign-in', { email, password, ...extra });
  }
}

// The text of a page's error alert, if it has one.
export const alertOf = (html) => html.match(/<div class="alert error" role="alert" id="form-error">([^<]*)<\/div>/)?.[1];
