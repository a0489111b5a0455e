/**
 * A small layout layer over pdfkit for reports: headings, key–value blocks and tables that break
 * across pages (the header row repeated), Chinese text in the embedded CJK font with English in
 * smaller grey type beside it.
 */
import PDFDocument from 'pdfkit';
import type { CjkFont } from './cjk-font.js';

export interface Column {
  zh: string;
  en?: string;
  width: number;
  align?: 'left' | 'right';
}

const MARGIN = 40;
const PAD = 3;

export class PdfLayout {
  readonly doc: PDFKit.PDFDocument;
  private readonly chunks: Buffer[] = [];
  private readonly done: Promise<Buffer>;

  constructor(font: CjkFont, info: { title: string; created: Date }) {
    this.doc = new PDFDocument({
      size: 'A4',
      margin: MARGIN,
      bufferPages: true,
      info: { Title: info.title, Creator: 'Levee', CreationDate: info.created, ModDate: info.created },
    });
    this.doc.registerFont('cjk', font.regular.path, font.regular.family);
    this.doc.registerFont('cjk-bold', font.bold.path, font.bold.family);
    this.doc.font('cjk');
    this.doc.on('data', (c: Buffer) => this.chunks.push(c));
    this.done = new Promise((resolve, reject) => {
      this.doc.on('end', () => resolve(Buffer.concat(this.chunks)));
      this.doc.on('error', reject);
    });
  }

  get width(): number {
    return this.doc.page.width - 2 * MARGIN;
  }

  private get bottom(): number {
    return this.doc.page.height - MARGIN - 16;
  }

  ensure(height: number): void {
    if (this.doc.y + height > this.bottom) this.doc.addPage();
  }

  title(zh: string, en: string): void {
    this.doc
      .font('cjk-bold')
      .fontSize(20)
      .fillColor('black')
      .text(zh, MARGIN, this.doc.y, { align: 'center' });
    this.doc.font('cjk').fontSize(10).fillColor('#555').text(en, { align: 'center' });
    this.doc.fillColor('black').moveDown(0.8);
  }

  heading(zh: string, en: string, level: 1 | 2 = 1): void {
    const size = level === 1 ? 14 : 11;
    this.ensure(size * 3);
    this.doc.moveDown(level === 1 ? 0.8 : 0.4);
    const y = this.doc.y;
    this.doc.font('cjk-bold').fontSize(size).fillColor('black').text(zh, MARGIN, y, { continued: true });
    this.doc
      .font('cjk')
      .fontSize(size - 4)
      .fillColor('#666')
      .text(`  ${en}`);
    this.doc.fillColor('black').moveDown(0.3);
  }

  paragraph(text: string, { size = 9, color = 'black' } = {}): void {
    this.doc.font('cjk').fontSize(size);
    this.ensure(this.doc.heightOfString(text, { width: this.width }));
    this.doc.fillColor(color).text(text, MARGIN, this.doc.y, { width: this.width });
    this.doc.fillColor('black');
  }

  /** Bordered box of text (the public notice), kept on one page with its caption. */
  boxed(text: string, size = 9, caption?: string): void {
    this.doc.font('cjk').fontSize(size);
    const inner = this.width - 16;
    const h = this.doc.heightOfString(text, { width: inner }) + 12;
    const captionH = caption ? this.doc.heightOfString(caption, { width: this.width }) + 2 : 0;
    this.ensure(h + captionH + 4);
    if (caption) this.doc.text(caption, MARGIN, this.doc.y, { width: this.width });
    const y = this.doc.y;
    this.doc.rect(MARGIN, y, this.width, h).lineWidth(0.8).strokeColor('#888').stroke();
    this.doc.fillColor('black').text(text, MARGIN + 8, y + 6, { width: inner });
    this.doc.y = y + h + 6;
    this.doc.x = MARGIN;
  }

  /** Label (Chinese, English below in small type) and value, in two columns. */
  keyValues(rows: { zh: string; en: string; value: string }[]): void {
    const labelW = 150;
    const valueW = this.width - labelW;
    for (const r of rows) {
      this.doc.font('cjk').fontSize(9);
      const h = Math.max(this.doc.heightOfString(r.value, { width: valueW }), 20);
      this.ensure(h + 4);
      const y = this.doc.y;
      this.doc.font('cjk-bold').fontSize(9).text(r.zh, MARGIN, y, { width: labelW });
      this.doc
        .font('cjk')
        .fontSize(6.5)
        .fillColor('#666')
        .text(r.en, MARGIN, y + 11, { width: labelW });
      this.doc
        .fillColor('black')
        .fontSize(9)
        .text(r.value, MARGIN + labelW, y, { width: valueW });
      this.doc.y = y + h + 3;
    }
    this.doc.x = MARGIN;
  }

  table(columns: Column[], rows: string[][], { size = 8, bold = [] as number[] } = {}): void {
    const total = columns.reduce((s, c) => s + c.width, 0);
    const scale = this.width / total;
    const widths = columns.map((c) => c.width * scale);
    const header = () => {
      this.doc.font('cjk-bold').fontSize(size);
      const hasEn = columns.some((c) => c.en);
      const heights = columns.map((c, i) => this.doc.heightOfString(c.zh, { width: widths[i]! - 2 * PAD }));
      const h = Math.max(...heights) + (hasEn ? size : 0) + 2 * PAD;
      this.ensure(h + size * 2);
      const y = this.doc.y;
      this.doc.rect(MARGIN, y, this.width, h).fill('#e8eef5');
      let x = MARGIN;
      columns.forEach((c, i) => {
        const w = widths[i]! - 2 * PAD;
        const align = c.align ?? 'left';
        this.doc
          .fillColor('black')
          .font('cjk-bold')
          .fontSize(size)
          .text(c.zh, x + PAD, y + PAD, { width: w, align });
        if (c.en)
          this.doc
            .font('cjk')
            .fontSize(size - 2)
            .fillColor('#555')
            .text(c.en, x + PAD, y + h - PAD - size + 1, {
              width: w,
              align,
              lineBreak: false,
              ellipsis: true,
            });
        x += widths[i]!;
      });
      this.doc.fillColor('black');
      this.doc.y = y + h;
    };
    header();
    rows.forEach((row, r) => {
      this.doc.font(bold.includes(r) ? 'cjk-bold' : 'cjk').fontSize(size);
      const h =
        Math.max(
          ...row.map((cell, i) => this.doc.heightOfString(cell || ' ', { width: widths[i]! - 2 * PAD })),
        ) +
        2 * PAD;
      if (this.doc.y + h > this.bottom) {
        this.doc.addPage();
        header();
        this.doc.font(bold.includes(r) ? 'cjk-bold' : 'cjk').fontSize(size);
      }
      const y = this.doc.y;
      if (r % 2 === 1) this.doc.rect(MARGIN, y, this.width, h).fill('#f7f7f7');
      let x = MARGIN;
      row.forEach((cell, i) => {
        this.doc
          .fillColor('black')
          .text(cell, x + PAD, y + PAD, { width: widths[i]! - 2 * PAD, align: columns[i]!.align ?? 'left' });
        x += widths[i]!;
      });
      this.doc
        .moveTo(MARGIN, y + h)
        .lineTo(MARGIN + this.width, y + h)
        .lineWidth(0.3)
        .strokeColor('#ccc')
        .stroke();
      this.doc.y = y + h;
    });
    this.doc.x = MARGIN;
    this.doc.moveDown(0.4);
  }

  /** Page numbers and a running footer on every page, then the finished file. */
  async finish(footer: string): Promise<Buffer> {
    const range = this.doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      this.doc.switchToPage(i);
      const y = this.doc.page.height - MARGIN + 4;
      // Writing below the bottom margin must not open a new page.
      const margins = this.doc.page.margins;
      this.doc.page.margins = { ...margins, bottom: 0 };
      this.doc
        .font('cjk')
        .fontSize(7)
        .fillColor('#777')
        .text(`${footer}    第 ${i + 1} / ${range.count} 页`, MARGIN, y, {
          width: this.width,
          align: 'center',
          lineBreak: false,
        });
      this.doc.page.margins = margins;
    }
    this.doc.end();
    return this.done;
  }
}
