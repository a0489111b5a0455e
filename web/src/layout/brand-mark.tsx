import { useI18n } from '../i18n/i18n-context.js';

/** The levee logo: an embankment holding back a wave. */
export function LeveeLogo({ size = 28 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 64 64" aria-hidden="true" focusable="false">
      <rect width="64" height="64" rx="12" fill="#1d4fb8" />
      <path d="M8 44 L22 22 L42 22 L56 44 Z" fill="#7fb0ff" />
      <path d="M8 50 Q20 42 32 50 T56 50" stroke="#ffffff" strokeWidth="4" fill="none" />
    </svg>
  );
}

export function BrandMark({ collapsed }: { collapsed: boolean }) {
  const { t } = useI18n();
  return (
    <div
      style={{
        height: 56,
        display: 'flex',
        alignItems: 'center',
        gap: 10,
        padding: collapsed ? '0 26px' : '0 20px',
        color: '#fff',
        borderBottom: '1px solid rgba(255,255,255,0.08)',
        overflow: 'hidden',
        whiteSpace: 'nowrap',
      }}
    >
      <LeveeLogo />
      {!collapsed && (
        <div style={{ lineHeight: 1.2, minWidth: 0 }}>
          <div style={{ fontWeight: 600, fontSize: 16, letterSpacing: 0.5 }}>{t('app.name')}</div>
          <div
            style={{ fontSize: 11, opacity: 0.7, overflow: 'hidden', textOverflow: 'ellipsis' }}
            title={t('app.title')}
          >
            {t('app.shortTitle')}
          </div>
        </div>
      )}
    </div>
  );
}
