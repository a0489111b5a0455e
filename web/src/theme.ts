import type { ThemeConfig } from 'antd';

// A sober blue on white, the colours public-security software is expected to wear. The CJK fonts
// come first in the stack so Chinese text never falls back to a bitmap or mismatched face.
export const FONT_STACK =
  '"Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", "Source Han Sans SC", -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

export const BRAND_DARK = '#0f2a5c';
export const BRAND = '#1d4fb8';

export const theme: ThemeConfig = {
  token: {
    colorPrimary: BRAND,
    borderRadius: 6,
    fontFamily: FONT_STACK,
    colorBgLayout: '#f2f4f8',
  },
  components: {
    Layout: { siderBg: BRAND_DARK, headerBg: '#ffffff', headerPadding: '0 24px', headerHeight: 56 },
    Menu: { darkItemBg: BRAND_DARK, darkSubMenuItemBg: '#0b2149', darkItemSelectedBg: BRAND },
  },
};
