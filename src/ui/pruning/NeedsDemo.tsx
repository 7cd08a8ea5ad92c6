// One line where a lab cannot run on the open model: what it needs, and buttons that open a demo
// that has it (the MNIST demos run in the tab: Slimlab has their forward pass and test digits).
import { openDemo, showModel } from '../../state/tensors/actions.ts';
import { useStore } from '../../state/store.ts';
import { JobButton } from '../common/JobButton.tsx';

/**
 * The demos that run in the tab. The app's table of demos (app/demos.ts) serves them from
 * public/models under these names; the UI may not import the app, so it names them here.
 */
const RUNNABLE = [
  { name: 'mnist-mlp.safetensors', label: 'MNIST MLP' },
  { name: 'mnist-cnn.safetensors', label: 'MNIST CNN' },
  { name: 'mnist-vit.safetensors', label: 'MNIST ViT' },
] as const;

function open(name: string): void {
  const there = useStore.getState().models.find((m) => m.file === name);
  if (there) void showModel(there.id);
  else void openDemo(`${import.meta.env.BASE_URL}models/${name}`, name);
}

/** `what` says what the lab needs, as one sentence without its full stop. */
export function NeedsDemo({ what, testId }: { what: string; testId: string }) {
  const model = useStore((s) => s.model);
  const language = model?.languageModel
    ? ` ${model.file} is a language model: its perplexity and KL are in the language-model lab.`
    : '';
  return (
    <p className="hint needs" data-testid={testId}>
      {what}: the MNIST demos, whose forward pass and test digits Slimlab has.{language}{' '}
      {RUNNABLE.map((d) => (
        <JobButton key={d.name} onClick={() => open(d.name)}>
          Open {d.label}
        </JobButton>
      ))}
    </p>
  );
}
