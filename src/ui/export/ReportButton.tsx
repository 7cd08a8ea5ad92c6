// Downloads the session report (Markdown): the link that reopens this view, and every result.
import { buildReport } from '../../state/report.ts';
import { download } from '../../state/export/actions.ts';
import { useStore } from '../../state/store.ts';

export function ReportButton() {
  return (
    <button
      type="button"
      aria-label="Download the session report"
      title="Every setting and result of this session as one Markdown file"
      onClick={() =>
        download(
          new Blob([buildReport(useStore.getState(), location.href)], { type: 'text/markdown' }),
          'slimlab-report.md',
        )
      }
    >
      Report
    </button>
  );
}
