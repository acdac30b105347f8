/** wl.serialization (tfjs's tf.serialization): registering layer classes of one's own. */
export { registerLayer as registerClass } from './registry.js';
