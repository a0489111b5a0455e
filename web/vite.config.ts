import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The console is built from web/ into dist/web, which the Levee server serves at /. The dev server
// proxies /api to a locally running `levee serve` so the session cookie stays same-origin.
const root = decodeURIComponent(new URL('.', import.meta.url).pathname);

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  server: {
    port: 5173,
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    // The lazy g6-lite chunk (AntV G6, ~1.5 MB) is above Vite's default warning limit; it is loaded
    // only on the case page (a dynamic import), never by the login page, the lists or the dashboard.
    chunkSizeWarningLimit: 2000,
    rolldownOptions: {
      output: {
        // React and Ant Design change rarely and are needed on every screen: their own long-cached
        // chunks. ECharts is not listed: it is only reached through a dynamic import, so it lands in
        // a lazy chunk that the login screen never downloads.
        codeSplitting: {
          groups: [
            {
              name: 'react',
              test: /node_modules[\\/](react|react-dom|react-router|react-router-dom|scheduler)[\\/]/,
              priority: 3,
            },
            {
              name: 'antd',
              test: /node_modules[\\/](antd|@ant-design|@rc-component|rc-[a-z-]+|@babel[\\/]runtime|dayjs)[\\/]/,
              priority: 2,
            },
          ],
        },
      },
    },
  },
});
