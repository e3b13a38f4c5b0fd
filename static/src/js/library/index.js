// The Files page: several files at once, each sent on its own request with its own progress bar, so one
// refused file (its reason shown beside it) does not stop the others.

function row(list, name) {
  const item = document.createElement("li");
  const label = document.createElement("span");
  label.textContent = name;
  const bar = document.createElement("progress");
  bar.max = 100;
  bar.value = 0;
  bar.setAttribute("aria-label", name);
  const result = document.createElement("span");
  result.className = "upload-result";
  item.append(label, bar, result);
  list.append(item);
  return { bar, result };
}

function send(form, file, { bar, result }) {
  return new Promise((resolve) => {
    const data = new FormData();
    form.querySelectorAll("input[type=hidden], select, input[type=text]").forEach((field) => {
      if (field.name) data.append(field.name, field.value);
    });
    data.append("file", file);
    const request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("X-CSRFToken", form.querySelector("input[name=csrfmiddlewaretoken]").value);
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) bar.value = Math.round((event.loaded / event.total) * 100);
    });
    request.addEventListener("load", () => {
      bar.value = 100;
      result.innerHTML = request.responseText; // our own server-rendered partial (escaped by Django)
      result.dataset.status = String(request.status);
      resolve();
    });
    request.addEventListener("error", () => {
      result.textContent = form.dataset.failed || "✗";
      resolve();
    });
    request.send(data);
  });
}

const form = document.querySelector("[data-bulk-upload]");
if (form) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = form.querySelector("input[type=file]");
    const list = form.querySelector("[data-upload-list]");
    const chosen = Array.from(input.files);
    const rows = chosen.map((file) => row(list, file.name));
    for (let index = 0; index < chosen.length; index += 1) {
      await send(form, chosen[index], rows[index]); // one at a time: the server renders PDFs as they come
    }
    input.value = "";
  });
}
