// The page: lists the items, adds one, ticks one off, deletes one, through
// the /items API. Items are shown as text, never as HTML.
const EMPTY_MESSAGE = "No items yet! Add one above!";
const ADD_LABEL = "Add Item";

const list = document.getElementById("items");
const empty = document.getElementById("empty");
const error = document.getElementById("error");

async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error((await res.json().catch(() => ({}))).error || `${method} ${path}: ${res.status}`);
  return res.status === 204 ? null : res.json();
}

function show(items) {
  list.replaceChildren(
    ...items.map((item) => {
      const li = document.createElement("li");
      li.className = item.completed ? "done" : "";
      const box = document.createElement("input");
      box.type = "checkbox";
      box.checked = item.completed;
      box.setAttribute("aria-label", `${item.name} done`);
      box.onchange = () => act(() => api("PUT", `/items/${item.id}`, { completed: box.checked }));
      const name = document.createElement("span");
      name.textContent = item.name;
      const remove = document.createElement("button");
      remove.textContent = "Remove";
      remove.onclick = () => act(() => api("DELETE", `/items/${item.id}`));
      li.append(box, name, remove);
      return li;
    }),
  );
  empty.textContent = EMPTY_MESSAGE;
  empty.hidden = items.length > 0;
}

async function act(change) {
  try {
    if (change) await change();
    show(await api("GET", "/items"));
    error.hidden = true;
  } catch (e) {
    error.textContent = e.message;
    error.hidden = false;
  }
}

const submit = document.getElementById("submit");
submit.textContent = ADD_LABEL;
document.getElementById("add").onsubmit = (event) => {
  event.preventDefault();
  const input = document.getElementById("name");
  const name = input.value.trim();
  if (!name) return;
  submit.disabled = true;
  act(() => api("POST", "/items", { name })).then(() => {
    input.value = "";
    submit.disabled = false;
  });
};

act();
