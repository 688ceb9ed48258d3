/** An HTTP answer as the tests read it: status, headers, the text, and the body parsed when it is JSON. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

export async function send(url: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}
