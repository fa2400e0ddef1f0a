import { redrawAnnotation, tagNames } from "./highlights.js";
import { annotationUrl, normalise, request } from "./server.js";
import { config, state } from "./state.js";
import { say } from "./status.js";

// A new annotation stays in this browser's storage until the server acknowledges it, and is
// sent again (with the same public id, so the server stores it once) after a network failure,
// a server error, a session that ran out, or a reload; meanwhile it is drawn as waiting. Only
// an answer that the annotation itself is wrong takes it out unsaved. The key names the
// signed-in user, so on a shared computer nobody sends someone else's tags.
const OUTBOX_KEY = ["parallax-unsaved", config.userKey || "anyone", config.comparisonId, config.exerciseId || ""].join(":");
const RETRY_SECONDS = [2, 5, 10, 20, 30];
export const outbox = new Map(); // public id -> {url, body, local}
export const inFlight = new Set(); // ids of the saves sent and not answered yet
export const discarded = new Set(); // ids discarded while their save was on its way
let outboxKept = true; // false when this browser's storage refused it
let retryTimer = 0;
let retryRound = 0;

export function keepOutbox() {
  try {
    if (outbox.size === 0) {
      window.localStorage.removeItem(OUTBOX_KEY);
    } else {
      window.localStorage.setItem(OUTBOX_KEY, JSON.stringify(Array.from(outbox.values())));
    }
    outboxKept = true;
  } catch (error) {
    // Storage turned off or full: the tags wait in this page only, which warns before closing.
    outboxKept = false;
  }
}

export function readOutbox() {
  let items = [];
  try {
    items = JSON.parse(window.localStorage.getItem(OUTBOX_KEY) || "[]");
  } catch (error) {
    items = [];
  }
  (Array.isArray(items) ? items : []).forEach((item) => {
    if (item && item.url && item.body && item.local && item.body.public_id === item.local.id) {
      item.local.pending = true;
      outbox.set(item.local.id, item);
    }
  });
}

// Worth sending again: no answer at all, a server error, a timeout, too many requests, a
// sign-in that ran out or a page whose CSRF token no longer holds (after signing in again).
function mayRetry(error) {
  const status = error.status || 0;
  return status === 0 || status >= 500 || [401, 408, 429].includes(status) || error.code === "csrf_failed";
}

function waitingMessage(error) {
  const count = outbox.size;
  const tags = count === 1 ? "1 tag waits" : `${count} tags wait`;
  if (error.status === 401) {
    return `Not saved yet: you are signed out. Sign in again and reload this page; ${tags} in this browser.`;
  }
  if (error.code === "csrf_failed") {
    return `Not saved yet: this page has expired. Reload it to send them; ${tags} in this browser.`;
  }
  const reason = error.status ? error.message.replace(/\.?$/, ".") : "the server cannot be reached.";
  return `Not saved yet: ${reason} ${tags} in this browser and will be sent again.`;
}

// The server has answered for good: the waiting highlight goes, and so does its copy.
// With `saved`, the stored annotation takes the waiting one's place in a single redraw, so a
// highlight that has the focus keeps it.
function settle(item, saved) {
  outbox.delete(item.local.id);
  keepOutbox();
  state.annotations.delete(item.local.id);
  if (saved) {
    state.annotations.set(saved.id, saved);
  }
  redrawAnnotation(item.local);
  if (saved) {
    redrawAnnotation(saved);
  }
}

function sendSave(item) {
  const id = item.local.id;
  if (inFlight.has(id)) {
    return Promise.resolve({ busy: true });
  }
  inFlight.add(id);
  return request("POST", item.url, item.body).then(
    (data) => {
      inFlight.delete(id);
      const saved = normalise(data && data.annotation ? data.annotation : data);
      if (discarded.delete(id)) {
        // Discarded while it was on its way: the server has it now, so delete it there too.
        request("DELETE", annotationUrl(saved.id)).catch(() => {});
        return { saved: null };
      }
      settle(item, saved);
      return { saved };
    },
    (error) => {
      inFlight.delete(id);
      if (discarded.delete(id)) {
        return { saved: null };
      }
      if (mayRetry(error)) {
        return { waiting: error };
      }
      settle(item);
      return { refused: error };
    },
  );
}

export async function sendOutbox() {
  clearTimeout(retryTimer);
  retryTimer = 0;
  let waiting = null;
  let saved = 0;
  let refused = null;
  for (const item of Array.from(outbox.values())) {
    const result = await sendSave(item);
    if (result.saved) {
      saved += 1;
    } else if (result.refused) {
      refused = result.refused;
    } else if (result.waiting) {
      waiting = result.waiting;
      // The server is not answering: the rest would fare no better now.
      if (!waiting.status) {
        break;
      }
    }
  }
  if (waiting) {
    say(waitingMessage(waiting), "error");
    scheduleRetry(waiting);
  } else {
    retryRound = 0;
    if (refused) {
      say(`Not saved: ${refused.message}`, "error");
    } else if (saved > 0) {
      say(saved === 1 ? "Saved the tag that was waiting." : `Saved the ${saved} tags that were waiting.`);
    }
  }
}

function scheduleRetry(error) {
  if (outbox.size === 0 || error.status === 401 || error.code === "csrf_failed") {
    // Sending again cannot help until the page is reloaded with a new session.
    return;
  }
  const seconds = RETRY_SECONDS[Math.min(retryRound, RETRY_SECONDS.length - 1)];
  retryRound += 1;
  retryTimer = setTimeout(sendOutbox, seconds * 1000);
}

export function saveNew(item) {
  outbox.set(item.local.id, item);
  keepOutbox();
  if (retryTimer) {
    // Others are waiting for the server already: this one goes with them.
    say(waitingMessage({ status: 0 }), "error");
    return;
  }
  say("Saving…");
  sendSave(item).then((result) => {
    if (result.saved) {
      say(`Saved: ${tagNames(result.saved)}.`);
    } else if (result.refused) {
      say(`Not saved: ${result.refused.message}`, "error");
    } else if (result.waiting) {
      say(waitingMessage(result.waiting), "error");
      scheduleRetry(result.waiting);
    }
  });
}

/** Send waiting tags when the network comes back; warn before closing if they cannot be kept. */
export function watchOutbox() {
  window.addEventListener("online", () => {
    if (outbox.size > 0) {
      sendOutbox();
    }
  });

  window.addEventListener("beforeunload", (event) => {
    if (outbox.size > 0 && !outboxKept) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
}

/** Take a tag that waits for the server out of the outbox; true if it was waiting. */
export function discardWaiting(id) {
  if (!outbox.has(id)) {
    return false;
  }
  outbox.delete(id);
  keepOutbox();
  if (inFlight.has(id)) {
    discarded.add(id);
  }
  return true;
}
