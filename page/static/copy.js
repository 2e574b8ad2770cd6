// Gradio renders gr.HTML through innerHTML, so inline handlers are not the way; delegated listeners on the
// results element serve every card, including later renders.
async function copyText(text) {
  try { await navigator.clipboard.writeText(text); return true; } catch (e) {
    const area = document.createElement('textarea');
    area.value = text; area.setAttribute('readonly', ''); area.style.position = 'fixed'; area.style.opacity = '0';
    document.body.appendChild(area); area.select();
    let copied = false;
    try { copied = document.execCommand('copy'); } catch (e2) { copied = false; }
    area.remove();
    return copied;
  }
}

function showByHand(card, text) {  // e.g. opened over plain http from another computer: let the user copy by hand
  const box = card.querySelector('.ps-cite-text');
  box.value = text; box.hidden = false; box.focus(); box.select();
}

function picked() {
  return Array.from(element.querySelectorAll('.ps-pick:checked')).map((box) => box.dataset.cite || '');
}

function countPicked() {
  const button = element.querySelector('.ps-copy-picked');
  if (!button) return;
  const n = picked().length;
  button.textContent = `复制所选引用（${n}）`;
  button.disabled = n === 0;
}

// "找相近表述": the sentence becomes the question, asked for wording (the words 找相近的表述 say so, so the
// automatic mode reads it as a wording request, as the CLI and API would).
function askLikeThis(sentence) {
  const box = document.querySelector('#question textarea');
  // Without its quote marks: quoted words must appear verbatim, which only the sentence's own passage does.
  box.value = `找相近的表述：${sentence.replace(/[“”"「」『』‘’']/g, '')}`;
  box.dispatchEvent(new Event('input', { bubbles: true }));
  const answerMode = document.querySelector('#mode input[value="answer"]');
  if (answerMode && answerMode.checked) {  // the user's 问答 would hide the list: go back to 自动, which asks again
    document.querySelector('#mode input[value="auto"]').click();
    return;
  }
  document.querySelector('#ask').click();
  box.scrollIntoView({ behavior: 'smooth', block: 'center' });
}

// Gradio may keep the checkboxes of the cards it redraws: picks belong to the results they were made in.
let shown = null;
new MutationObserver(() => {
  const now = element.querySelector('.ps-results')?.dataset.shown || null;
  if (now === shown) return;
  shown = now;
  element.querySelectorAll('.ps-pick:checked').forEach((box) => { box.checked = false; });
  countPicked();
}).observe(element, { childList: true, subtree: true });

element.addEventListener('change', (event) => {
  if (event.target.closest('.ps-pick')) countPicked();
});

element.addEventListener('click', async (event) => {
  const more = event.target.closest('.ps-more');
  if (more) { askLikeThis(more.dataset.sentence || ''); return; }
  const all = event.target.closest('.ps-copy-picked');
  if (all) {
    const text = picked().join('\n');
    const copied = await copyText(text);
    if (!copied) showByHand(element.querySelector('.ps-card'), text);
    all.textContent = copied ? '已复制 ✓' : '请手动复制下方文字';
    setTimeout(countPicked, 2500);
    return;
  }
  const button = event.target.closest('.ps-copy');
  if (!button) return;
  const text = button.dataset.cite || '';
  const copied = await copyText(text);
  if (!copied) showByHand(button.closest('.ps-card'), text);
  button.textContent = copied ? '已复制 ✓' : '请手动复制下方文字';
  setTimeout(() => { button.textContent = '复制引用'; }, 2500);
});
