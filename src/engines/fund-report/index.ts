/** The fund analysis report model (levee.fund-report/1). Pure: no I/O. See docs/fund-report.md. */
export * from './report-types.js';
export { FundReportError, type FundReportErrorKind } from './report-error.js';
export {
  buildFundReport,
  DEFAULT_PATHS_PER_FOOTNOTE,
  fundReportJson,
  ledgerFingerprint,
} from './build-report.js';
export { publicNoticeText, type NoticeInput } from './public-notice.js';
export { BASE_LABEL, BASIS_LABEL, maskName, RETURN_RULES_TITLE, ROLE_LABEL, RULE_LABEL } from './labels.js';
export { yuan } from './yuan.js';
