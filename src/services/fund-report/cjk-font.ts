/**
 * The CJK font the PDF report embeds. Chinese text needs a font with the glyphs; PDF readers
 * will not supply one. Tried in order:
 *   1. LEVEE_REPORT_FONT — a .ttf/.otf file, or a .ttc collection as `<path>#<PostScript name>`;
 *   2. the npm package @expo-google-fonts/noto-sans-sc (Noto Sans SC, OFL), when installed;
 *   3. Debian's fonts-noto-cjk (Noto Sans CJK SC) and fonts-wqy-zenhei.
 * None found: a LEVEE_CONFIG error naming what to install.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { LeveeError } from '../../core/errors.js';

export interface FontFace {
  path: string;
  /** PostScript name of the face inside a .ttc collection */
  family?: string;
}

export interface CjkFont {
  regular: FontFace;
  bold: FontFace;
  /** where it came from: env, npm or system */
  source: 'env' | 'npm' | 'system';
}

export const CJK_FONT_PACKAGE = '@expo-google-fonts/noto-sans-sc';

const SYSTEM_FONTS: { regular: FontFace; bold?: FontFace }[] = [
  {
    regular: {
      path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
      family: 'NotoSansCJKsc-Regular',
    },
    bold: { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc', family: 'NotoSansCJKsc-Bold' },
  },
  {
    regular: { path: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', family: 'WenQuanYiZenHei' },
  },
];

function parseFace(value: string): FontFace {
  const hash = value.lastIndexOf('#');
  if (hash > 0) return { path: value.slice(0, hash), family: value.slice(hash + 1) };
  return { path: value };
}

function npmFont(): { regular: FontFace; bold?: FontFace } | undefined {
  let dir: string;
  try {
    dir = dirname(createRequire(import.meta.url).resolve(`${CJK_FONT_PACKAGE}/package.json`));
  } catch {
    return undefined;
  }
  const regular = join(dir, '400Regular', 'NotoSansSC_400Regular.ttf');
  const bold = join(dir, '700Bold', 'NotoSansSC_700Bold.ttf');
  if (!existsSync(regular)) return undefined;
  return existsSync(bold)
    ? { regular: { path: regular }, bold: { path: bold } }
    : { regular: { path: regular } };
}

export function resolveCjkFont(env: NodeJS.ProcessEnv = process.env): CjkFont {
  const configured = env['LEVEE_REPORT_FONT'];
  if (configured) {
    const face = parseFace(configured);
    if (!existsSync(face.path))
      throw new LeveeError('LEVEE_CONFIG', `LEVEE_REPORT_FONT names ${face.path}, which does not exist`, {
        field: 'LEVEE_REPORT_FONT',
      });
    if (face.path.toLowerCase().endsWith('.ttc') && !face.family)
      throw new LeveeError(
        'LEVEE_CONFIG',
        'LEVEE_REPORT_FONT is a font collection (.ttc): add the face, e.g. NotoSansCJK-Regular.ttc#NotoSansCJKsc-Regular',
        { field: 'LEVEE_REPORT_FONT' },
      );
    return { regular: face, bold: face, source: 'env' };
  }
  const npm = npmFont();
  if (npm) return { regular: npm.regular, bold: npm.bold ?? npm.regular, source: 'npm' };
  for (const f of SYSTEM_FONTS)
    if (existsSync(f.regular.path)) {
      const bold = f.bold && existsSync(f.bold.path) ? f.bold : f.regular;
      return { regular: f.regular, bold, source: 'system' };
    }
  throw new LeveeError(
    'LEVEE_CONFIG',
    `no CJK font for PDF reports: install the npm package ${CJK_FONT_PACKAGE}, or Debian's fonts-noto-cjk ` +
      '(apt-get install fonts-noto-cjk), or set LEVEE_REPORT_FONT to a .ttf/.otf file (or <file.ttc>#<face>)',
    { field: 'LEVEE_REPORT_FONT' },
  );
}
