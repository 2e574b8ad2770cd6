// Gradio renders gr.HTML through innerHTML, so inline handlers are not the way; one delegated
// listener on the results element serves every card's copy button, including later renders.
element.addEventListener('click', async (event) => {
  const button = event.target.closest('.ps-copy');
  if (!button) return;
  const text = button.dataset.cite || '';
  let copied = false;
  try { await navigator.clipboard.writeText(text); copied = true; } catch (e) {
    const area = document.createElement('textarea');
    area.value = text; area.setAttribute('readonly', ''); area.style.position = 'fixed'; area.style.opacity = '0';
    document.body.appendChild(area); area.select();
    try { copied = document.execCommand('copy'); } catch (e2) { copied = false; }
    area.remove();
  }
  if (!copied) {  // e.g. opened over plain http from another computer: let the user copy by hand
    const box = button.closest('.ps-card').querySelector('.ps-cite-text');
    box.hidden = false; box.focus(); box.select();
  }
  button.textContent = copied ? '已复制 ✓' : '请手动复制下方文字';
  setTimeout(() => { button.textContent = '复制引用'; }, 2500);
});
