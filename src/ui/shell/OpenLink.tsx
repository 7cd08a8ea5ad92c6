// Opening a shared link over the session (instead of in the address bar, which would reload the
// page and lose it): the open models and results stay, the link's settings apply. When the link
// would change settings or stop a running job, the dialog says which and asks first.
import { useRef, useState } from 'react';
import {
  linkChanges,
  openLink,
  readLink,
  type DemoRef,
  type Link,
} from '../../state/settings/session.ts';

export function OpenLink({ demos }: { demos: readonly DemoRef[] }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [text, setText] = useState('');
  const [asking, setAsking] = useState<{
    link: Link;
    settings: string[];
    job: string | null;
  } | null>(null);
  const close = () => {
    dialog.current?.close();
    setAsking(null);
    setText('');
  };
  const apply = (link: Link) => {
    close();
    void openLink(link, demos);
  };
  return (
    <>
      <button type="button" onClick={() => dialog.current?.showModal()}>
        Open a link…
      </button>
      <dialog
        ref={dialog}
        className="open-link"
        aria-labelledby="open-link-title"
        data-testid="open-link"
        onClose={() => {
          setAsking(null);
          setText('');
        }}
      >
        <h2 id="open-link-title">Open a shared link here</h2>
        {!asking ? (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              const link = readLink(text.trim());
              const c = linkChanges(link);
              if (c.settings.length === 0 && !c.job) apply(link);
              else setAsking({ link, ...c });
            }}
          >
            <p className="hint">
              Your open models, results and runs stay; the link’s settings apply over them.
            </p>
            <label>
              Link{' '}
              <input
                type="url"
                value={text}
                onChange={(e) => setText(e.target.value)}
                placeholder="https://…/?v=2&…"
                required
                autoFocus
                size={48}
              />
            </label>
            <div className="controls">
              <button type="submit">Open</button>
              <button type="button" onClick={close}>
                Cancel
              </button>
            </div>
          </form>
        ) : (
          <div role="alertdialog" aria-describedby="open-link-changes">
            <div id="open-link-changes">
              <p>Your open models and results stay. Opening this link:</p>
              <ul>
                {asking.settings.length > 0 && (
                  <li>
                    replaces your {asking.settings.length === 1 ? 'setting' : 'settings'}:{' '}
                    {asking.settings.join('; ')}
                  </li>
                )}
                {asking.job && <li>stops the job running: {asking.job}</li>}
              </ul>
            </div>
            <div className="controls">
              {/* The safe choice has the focus: Enter or Escape keeps everything as it is. */}
              <button type="button" onClick={close} autoFocus>
                Keep mine
              </button>
              <button type="button" onClick={() => apply(asking.link)}>
                Apply the link
              </button>
            </div>
          </div>
        )}
      </dialog>
    </>
  );
}
