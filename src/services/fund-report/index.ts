/** Rendering the fund analysis report (levee.fund-report/1) to PDF and XLSX buffers. */
export { CJK_FONT_PACKAGE, type CjkFont, type FontFace, resolveCjkFont } from './cjk-font.js';
export { type PdfOptions, renderFundReportPdf } from './render-pdf.js';
export { renderFundReportXlsx, XLSX_SHEETS } from './render-xlsx.js';
