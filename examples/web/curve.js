// Draws a loss curve (one point per batch) scaled to the canvas.
export function drawCurve(canvas, losses) {
  const ctx = canvas.getContext('2d');
  const { width, height } = canvas;
  const pad = 36;
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.strokeStyle = '#999';
  ctx.lineWidth = 1;
  ctx.strokeRect(pad, pad / 2, width - pad * 1.5, height - pad * 1.5);
  if (losses.length === 0) return;
  const max = Math.max(...losses), min = Math.min(...losses);
  const span = max - min || 1;
  const x = (i) => pad + (i / Math.max(losses.length - 1, 1)) * (width - pad * 1.5);
  const y = (v) => pad / 2 + (1 - (v - min) / span) * (height - pad * 1.5);
  ctx.fillStyle = '#444';
  ctx.font = '12px sans-serif';
  ctx.fillText(max.toFixed(3), 2, pad / 2 + 10);
  ctx.fillText(min.toFixed(3), 2, height - pad);
  ctx.fillText(`batch ${losses.length}`, width - 90, height - 8);
  ctx.strokeStyle = '#d33';
  ctx.lineWidth = 2;
  ctx.beginPath();
  losses.forEach((v, i) => (i === 0 ? ctx.moveTo(x(i), y(v)) : ctx.lineTo(x(i), y(v))));
  ctx.stroke();
}
