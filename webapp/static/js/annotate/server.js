// Talking to the JSON API: requests with the CSRF token, and annotations in one shape.

import { config, state } from "./state.js";
import { sliceText } from "./text.js";

const csrfMeta = document.querySelector('meta[name="csrf-token"]');
const csrfToken = csrfMeta ? csrfMeta.content : "";

export async function request(method, url, body) {
  const options = { method, headers: { Accept: "application/json" }, credentials: "same-origin" };
  if (method !== "GET") {
    options.headers["X-CSRFToken"] = csrfToken;
  }
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(url, options);
  let data = null;
  try {
    data = await response.json();
  } catch (error) {
    data = null;
  }
  if (!response.ok) {
    const message = data && data.message ? data.message : `The server answered ${response.status}.`;
    const failure = new Error(message);
    failure.status = response.status;
    failure.code = data && data.error ? data.error : "";
    // A 409 stale_version carries the stored annotation, so the editor can show both.
    failure.data = data;
    throw failure;
  }
  return data;
}

export function annotationUrl(id) {
  return config.annotationUrlTemplate.replace("__ID__", encodeURIComponent(id));
}

export function newPublicId() {
  if (window.crypto && typeof window.crypto.randomUUID === "function") {
    return window.crypto.randomUUID();
  }
  // randomUUID needs a secure context; plain http on a school network is not one.
  const bytes = window.crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// Accept the link either nested ({link: {...}}) or as flat link_* fields.
export function normalise(ann) {
  const copy = Object.assign({}, ann);
  copy.id = String(copy.id);
  if (!copy.link && copy.link_document_id != null) {
    copy.link = {
      document_id: copy.link_document_id,
      start: copy.link_start,
      end: copy.link_end,
      quote: copy.link_quote,
    };
  }
  if (copy.link && copy.link.document_id == null) {
    copy.link = null;
  }
  copy.tags = copy.tags || [];
  copy.note = copy.note || "";
  return copy;
}

// The quote of [start, end) in a document: sent by the server, or cut from the page's text
// when the server left it out (null) because this page shows that document.
function quoteOf(sent, documentId, start, end) {
  if (sent !== null && sent !== undefined) {
    return sent;
  }
  const doc = state.docs.get(String(documentId));
  return doc ? sliceText(doc, start, end) : "";
}

/**
 * The annotations of a list answer (README, "The annotation list"): each a row of values in
 * the order of `fields`, its tags and author indexes into `tags` and `authors`. Returns them
 * in the one-annotation shape the rest of the page uses.
 */
export function readList(list) {
  const at = {};
  (list.fields || []).forEach((name, index) => {
    at[name] = index;
  });
  const tags = list.tags || [];
  const authors = list.authors || [];
  return (list.annotations || []).map((row) => {
    const documentId = row[at.document_id];
    const start = row[at.start];
    const end = row[at.end];
    const link = row[at.link];
    const author = row[at.author];
    return {
      id: String(row[at.id]),
      document_id: documentId,
      start,
      end,
      quote: quoteOf(row[at.quote], documentId, start, end),
      tags: (row[at.tags] || []).map((index) => tags[index]),
      note: row[at.note] || "",
      author: author === null || author === undefined ? null : authors[author],
      relation: row[at.relation],
      link: link
        ? { document_id: link[0], start: link[1], end: link[2], quote: quoteOf(link[3], link[0], link[1], link[2]) }
        : null,
      version: row[at.version],
    };
  });
}
